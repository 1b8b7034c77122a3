# Evaluates the real NixOS modules of packaging/nix with nixpkgs' module
# system and checks what they produce. Run by ../nix_module_test.sh:
#   nix-instantiate --eval --strict --json eval-module.nix \
#     --arg nixpkgsLib $NIXPKGS_LIB/lib --argstr openclawd PREFIX --argstr fakeDir DIR
# Returns { checks = [names of passed checks]; config = rendered JSON config; }
# and throws "FAIL: <check>" on the first check that does not hold.
{ nixpkgsLib, openclawd, fakeDir, source ? ../../../.. }:
let
  lib = import nixpkgsLib;
  pkgs = import ./fake-pkgs.nix { inherit lib openclawd fakeDir; };
  shim = import ./shim.nix;

  guestShim = shim {
    inherit lib;
    paths = {
      plain = [
        [ "networking" "hostName" ] [ "networking" "useDHCP" ] [ "networking" "enableIPv6" ]
        [ "networking" "useNetworkd" ] [ "networking" "firewall" "enable" ]
        [ "networking" "firewall" "extraInputRules" ] [ "networking" "nftables" "enable" ]
        [ "microvm" "hypervisor" ] [ "microvm" "vcpu" ] [ "microvm" "mem" ]
        [ "microvm" "kernel" ] [ "microvm" "initrdPath" ]
        [ "system" "boot" "loader" "kernelFile" ]
        [ "services" "openssh" "enable" ] [ "services" "openssh" "openFirewall" ]
        [ "services" "openssh" "settings" ] [ "services" "openssh" "extraConfig" ]
      ];
      attrs = [
        [ "boot" "kernel" "sysctl" ] [ "fileSystems" ] [ "systemd" "network" "networks" ]
        [ "users" "users" ] [ "users" "groups" ] [ "environment" "etc" ] [ "systemd" "services" ]
      ];
      lists = [
        [ "microvm" "shares" ] [ "microvm" "interfaces" ] [ "microvm" "kernelParams" ]
        [ "systemd" "tmpfiles" "rules" ] [ "environment" "systemPackages" ]
      ];
    };
  };
  # What microvm.nix's guest module would provide.
  microvmDefaults = {
    microvm.kernel = pkgs.kernel;
    microvm.initrdPath = "${fakeDir}/initrd/initrd";
    microvm.kernelParams = [ "init=/nix/store/fake-toplevel/init" ];
    system.boot.loader.kernelFile = "bzImage";
  };
  evalGuest = module: extra: lib.evalModules {
    modules = [ guestShim module microvmDefaults extra { _module.args.pkgs = pkgs; } ];
  };
  openclawGuest = evalGuest (source + "/packaging/nix/guests/openclaw.nix") {
    openclawd.guest.openclawdPackage = pkgs.openclawd;
    openclawd.openclaw.package = pkgs.openclaw;
  };
  gogcliGuest = evalGuest (source + "/packaging/nix/guests/gogcli.nix") {
    openclawd.guest.openclawdPackage = pkgs.openclawd;
    openclawd.gogcli.gogPackage = pkgs.gog;
  };

  hostShim = shim {
    inherit lib;
    paths = {
      plain = [
        [ "virtualisation" "libvirtd" "enable" ] [ "security" "auditd" "enable" ]
        [ "security" "audit" "enable" ]
      ];
      attrs = [
        [ "environment" "etc" ] [ "boot" "kernel" "sysctl" ] [ "networking" "firewall" "interfaces" ]
        [ "systemd" "services" ]
      ];
      lists = [ [ "assertions" ] [ "environment" "systemPackages" ] [ "systemd" "tmpfiles" "rules" ] ];
    };
  };
  example = builtins.fromJSON (builtins.readFile (source + "/config/openclawd.example.json"));
  vmsWithoutBoot = map (vm: removeAttrs vm [ "kernel" "initrd" "cmdline" ]) example.vms;
  host = lib.evalModules {
    modules = [
      hostShim
      (source + "/packaging/nix/module.nix")
      { _module.args.pkgs = pkgs; }
      {
        services.openclawd = {
          enable = true;
          package = pkgs.openclawd;
          openFirewall = true;
          secretsDir = "/etc/openclawd/secrets";
          guests = { openclaw = openclawGuest; gogcli = gogcliGuest; };
          settings = {
            network = example.network;
            dns = example.dns;
            audit = example.audit;
            defender = { listen = "192.168.83.1:8787"; };
            inference = example.inference;
            vms = vmsWithoutBoot;
          };
        };
      }
    ];
  };

  c = host.config;
  s = c.services.openclawd.finalSettings;
  svc = c.systemd.services.openclawd;
  sc = svc.serviceConfig;
  bin = "${openclawd}/bin/openclawd";
  vm = name: lib.findFirst (v: v.name == name) (throw "FAIL: no VM ${name}") s.vms;
  gw = openclawGuest.config.systemd.services.openclaw-gateway;
  gogPolicy = builtins.fromJSON gogcliGuest.config.environment.etc."openclawd/gogcli.json".source.text;
  unitText = builtins.readFile (source + "/packaging/systemd/openclawd.service");

  checks = {
    "rendered: defaults filled in" = s.state_dir == "/var/lib/openclawd" && s.version == 1
      && s.control_socket == "/run/openclawd/control.sock";
    "rendered: rules from the package" = s.defender.rules == "${openclawd}/share/openclawd/policies/defender/rules.json";
    "rendered: settings kept" = s.defender.listen == "192.168.83.1:8787" && s.network.bridge == "microbr";
    "rendered: secretsDir is admin_dir" = s.secrets.admin_dir == "/etc/openclawd/secrets";
    "rendered: virtiofsd from pkgs" = s.hypervisor.virtiofsd == "${fakeDir}/virtiofsd/bin/virtiofsd";
    "rendered: guest kernel" = (vm "openclaw").kernel == "${fakeDir}/kernel/bzImage";
    "rendered: guest initrd" = (vm "gogcli").initrd == "${fakeDir}/initrd/initrd";
    "rendered: guest cmdline" = (vm "openclaw").cmdline
      == "console=ttyS0 reboot=t panic=-1 init=/nix/store/fake-toplevel/init";
    "rendered: /nix/store shared read-only, secrets kept" = (vm "openclaw").shares == [
      { tag = "ro-store"; source = "/nix/store"; readonly = true; }
      { tag = "secrets"; source = "secrets"; readonly = true; }
    ];
    "rendered: VM entries keep their settings" = (vm "openclaw").vcpu == 4 && (vm "gogcli").memory_mib == 512;
    "config file validated by check-config" = lib.hasInfix "${bin} check-config --quiet --config ${fakeDir}/generated-openclawd.json"
      c.services.openclawd.configFile.script;
    "config file in /etc" = c.environment.etc."openclawd/openclawd.json".source == c.services.openclawd.configFile;
    "unit: Type=notify and watchdog" = sc.Type == "notify" && sc.WatchdogSec == "30" && sc.NotifyAccess == "main";
    "unit: ExecStart from the package" = sc.ExecStart == "${bin} daemon --config /etc/openclawd/openclawd.json";
    "unit: views mounted outside the sandbox" = builtins.elem "+${bin} secret-views mount --config /etc/openclawd/openclawd.json" sc.ExecStartPre;
    "unit: no /usr/bin left" = !(lib.hasInfix "/usr/bin/" (builtins.toJSON sc));
    "unit: hardening as the Debian unit" = sc.ProtectSystem == "strict" && sc.ProtectHome == "yes"
      && sc.PrivateTmp == "yes" && sc.NoNewPrivileges == "yes"
      && sc.RestrictAddressFamilies == "AF_UNIX AF_INET AF_INET6 AF_NETLINK"
      && sc.StateDirectory == "openclawd" && sc.LogsDirectory == "openclawd" && sc.RuntimeDirectory == "openclawd"
      && builtins.length sc.SystemCallFilter == 2
      && lib.hasInfix "CapabilityBoundingSet=${sc.CapabilityBoundingSet}\n" unitText
      && lib.hasInfix "CAP_NET_ADMIN" sc.AmbientCapabilities;
    "unit: ordered after libvirtd" = builtins.elem "libvirtd.service" svc.after && builtins.elem "libvirtd.service" svc.wants;
    "host: ip_forward" = c.boot.kernel.sysctl."net.ipv4.ip_forward" == 1;
    "host: libvirtd and auditd" = c.virtualisation.libvirtd.enable && c.security.auditd.enable && c.security.audit.enable == true;
    "host: firewall on the bridge" = c.networking.firewall.interfaces.microbr == {
      allowedUDPPorts = [ 53 ];
      allowedTCPPorts = [ 53 8787 8788 ];
    };
    "host: secrets dir" = builtins.elem "d /etc/openclawd/secrets 0700 root root -" c.systemd.tmpfiles.rules;
    "host: assertions hold" = builtins.all (a: a.assertion) c.assertions;
    "guest openclaw: microvm shares" = map (x: x.tag) openclawGuest.config.microvm.shares == [ "ro-store" "secrets" ]
      && (builtins.elemAt openclawGuest.config.microvm.shares 1).mountPoint == "/run/secrets";
    "guest openclaw: size" = openclawGuest.config.microvm.vcpu == 4 && openclawGuest.config.microvm.mem == 4096;
    "guest openclaw: gateway from gateway-env" = gw.serviceConfig.EnvironmentFile == "/run/secrets/gateway-env"
      && gw.serviceConfig.ExecStart == "${fakeDir}/openclaw/bin/openclaw gateway run --bind loopback --port 18789";
    "guest openclaw: defender plugin installed" = lib.hasInfix "plugins install ${openclawd}/share/openclawd/openclaw-defender-plugin --force --accept-capabilities" gw.preStart;
    "guest openclaw: provider through the inference gateway" =
      openclawGuest.config.openclawd.openclaw.settings.models.providers.openclawd.baseUrl == "\${OPENCLAWD_INFERENCE_URL}";
    "guest openclaw: address" = openclawGuest.config.systemd.network.networks."10-bridge".address == [ "192.168.83.2/24" ];
    "guest gogcli: sshd reads /run/secrets/authorized-keys" = lib.hasInfix "AuthorizedKeysFile /run/secrets/authorized-keys"
      gogcliGuest.config.services.openssh.extraConfig;
    "guest gogcli: gate where the host's key line says" = builtins.elem
      "L+ /usr/bin/openclawd-gate - - - - ${openclawd}/bin/openclawd-gate" gogcliGuest.config.systemd.tmpfiles.rules;
    "guest gogcli: policy runs the packaged gog" = gogPolicy.gog_path == "${fakeDir}/gog/bin/gog" && gogPolicy ? global_flags;
    "guest gogcli: size" = gogcliGuest.config.microvm.vcpu == 1 && gogcliGuest.config.microvm.mem == 512;
  };
  failed = lib.filter (name: !checks.${name}) (builtins.attrNames checks);
in
if failed != [ ] then throw "FAIL: ${lib.concatStringsSep "; " failed}"
else { checks = builtins.attrNames checks; config = s; }
