# services.openclawd: the NixOS module (docs/nixos.md). It renders `settings`
# to /etc/openclawd/openclawd.json (validated with `openclawd check-config` at
# build time), runs the daemon with the hardening of
# packaging/systemd/openclawd.service, and turns on what the daemon relies on:
# libvirtd, kernel audit, IPv4 forwarding, the host firewall openings on the
# bridge. Guests built with the guest modules (guests/*.nix) hand their
# kernel, initrd and command line to the VM entries through `guests`.
{ config, lib, pkgs, ... }:
let
  cfg = config.services.openclawd;
  format = pkgs.formats.json { };
  unitFile = import ./unit-settings.nix { inherit lib; };
  bin = "${cfg.package}/bin/openclawd";
  configPath = "/etc/openclawd/openclawd.json";

  # "192.168.83.1:8787" -> 8787; null when the service is not configured.
  portOf = listen: if listen == null then null
    else lib.toInt (lib.last (lib.splitString ":" listen));
  listenOf = path: lib.attrByPath path null cfg.settings;
  defenderPort = portOf (listenOf [ "defender" "listen" ]);
  inferencePort = portOf (listenOf [ "inference" "listen" ]);
  bridge = lib.attrByPath [ "network" "bridge" ] "microbr" cfg.settings;

  # What a guest built on microvm.nix's guest module gives its VM entry:
  # kernel, initrd, command line and the host's /nix/store, read-only.
  guestBoot = name: guest:
    let g = guest.config; in {
      kernel = "${g.microvm.kernel}/${g.system.boot.loader.kernelFile}";
      initrd = g.microvm.initrdPath;
      cmdline = lib.concatStringsSep " "
        ([ "console=ttyS0" "reboot=t" "panic=-1" ] ++ g.microvm.kernelParams);
      shares = [ { tag = "ro-store"; source = "/nix/store"; readonly = true; } ];
    };
  withGuest = vm:
    if cfg.guests ? ${vm.name} then
      let boot = guestBoot vm.name cfg.guests.${vm.name};
      in vm // boot // { shares = boot.shares ++ (vm.shares or [ ]); }
    else vm;
  finalSettings = cfg.settings // {
    vms = map withGuest (cfg.settings.vms or [ ]);
  };

  rendered = format.generate "openclawd.json" finalSettings;
  validated = if !cfg.validateConfig then rendered else
    pkgs.runCommand "openclawd-checked.json" { } ''
      ${bin} check-config --quiet --config ${rendered}
      cp ${rendered} $out
    '';

  # The unit's [Service] settings with the package's binary instead of /usr/bin.
  serviceSettings = lib.mapAttrs
    (_: value:
      let swap = v: builtins.replaceStrings [ "/usr/bin/openclawd" ] [ bin ] v;
      in if builtins.isList value then map swap value else swap value)
    unitFile.service;
  words = key: lib.splitString " " (unitFile.unit.${key} or "");
in
{
  options.services.openclawd = with lib; {
    enable = mkEnableOption "openclawd, the supervisor of the AI agent guests";

    package = mkOption {
      type = types.package;
      description = "The openclawd package (the flake's packages.<system>.default).";
    };

    settings = mkOption {
      type = format.type;
      default = { };
      description = ''
        The config (docs/config.md), rendered to ${configPath}. Paths should be
        absolute (relative ones resolve from the Nix store). `vms` entries whose
        name is in `guests` get kernel, initrd, cmdline and the /nix/store share.
      '';
    };

    validateConfig = mkOption {
      type = types.bool;
      default = true;
      description = "Run `openclawd check-config` on the rendered config at build time.";
    };

    secretsDir = mkOption {
      type = types.str;
      default = "/etc/openclawd/secrets";
      description = "The admin's secret files (API keys, bot tokens): /secrets/admin_dir, created 0700.";
    };

    openFirewall = mkOption {
      type = types.bool;
      default = false;
      description = "Open DNS (53), the defender API and the inference gateway ports on the bridge.";
    };

    guests = mkOption {
      type = types.attrsOf types.raw;
      default = { };
      example = literalExpression "{ openclaw = self.nixosConfigurations.openclaw-guest; }";
      description = "Guest NixOS systems (nixosSystem results built with the guest modules), by VM name.";
    };

    finalSettings = mkOption {
      type = format.type;
      readOnly = true;
      description = "The config as rendered (settings with the guests' boot files).";
    };

    configFile = mkOption {
      type = types.path;
      readOnly = true;
      description = "The rendered and validated config file.";
    };
  };

  config = lib.mkIf cfg.enable {
    services.openclawd.settings = {
      version = lib.mkDefault 1;
      state_dir = lib.mkDefault "/var/lib/openclawd";
      log_dir = lib.mkDefault "/var/log/openclawd";
      control_socket = lib.mkDefault "/run/openclawd/control.sock";
      hypervisor = {
        backend = lib.mkDefault "libvirt";
        uri = lib.mkDefault "qemu:///system";
        virtiofsd = lib.mkDefault "${pkgs.virtiofsd}/bin/virtiofsd";
      };
      secrets.admin_dir = lib.mkDefault cfg.secretsDir;
      defender.rules = lib.mkDefault "${cfg.package}/share/openclawd/policies/defender/rules.json";
    };
    services.openclawd.finalSettings = finalSettings;
    services.openclawd.configFile = validated;

    assertions = [
      {
        assertion = cfg.settings ? network;
        message = "services.openclawd.settings.network is not set: give the bridge, its address and the uplink (docs/config.md).";
      }
    ] ++ map (name: {
      assertion = builtins.any (vm: vm.name == name) (cfg.settings.vms or [ ]);
      message = "services.openclawd.guests.${name} has no VM entry of that name in services.openclawd.settings.vms.";
    }) (builtins.attrNames cfg.guests);

    environment.etc."openclawd/openclawd.json".source = validated;
    environment.systemPackages = [ cfg.package ];

    systemd.tmpfiles.rules = [ "d ${cfg.secretsDir} 0700 root root -" ];

    virtualisation.libvirtd.enable = true;
    security.auditd.enable = true;
    security.audit.enable = lib.mkDefault true;
    # NAT out of the uplink; the daemon never writes /proc/sys (ProtectKernelTunables).
    boot.kernel.sysctl."net.ipv4.ip_forward" = 1;

    networking.firewall.interfaces.${bridge} = lib.mkIf cfg.openFirewall {
      allowedUDPPorts = [ 53 ];
      allowedTCPPorts = [ 53 ] ++ lib.filter (p: p != null) [ defenderPort inferencePort ];
    };

    systemd.services.openclawd = {
      description = unitFile.unit.Description;
      documentation = words "Documentation";
      wants = words "Wants";
      after = words "After";
      wantedBy = [ "multi-user.target" ];
      restartTriggers = [ validated ];
      path = [ pkgs.e2fsprogs ];
      serviceConfig = serviceSettings;
    };
  };
}
