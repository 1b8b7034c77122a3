# The gogcli guest (1 vCPU, 512 MiB, .3): sshd for the user gogcli, whose only
# key is /run/secrets/authorized-keys, written by openclawd with
# command="/usr/bin/openclawd-gate",no-port-forwarding,... so every login runs
# the gate, which runs gog with the shipped policy (gog_path pointed at `gog`).
{ config, lib, pkgs, ... }:
let
  cfg = config.openclawd.gogcli;
  guest = config.openclawd.guest;
  shippedPolicy = builtins.fromJSON
    (builtins.readFile "${guest.openclawdPackage}/share/openclawd/policies/gogcli.json");
  policy = pkgs.writeText "gogcli-policy.json"
    (builtins.toJSON (shippedPolicy // { gog_path = "${cfg.gogPackage}/bin/gog"; }));
in
{
  imports = [ ./common.nix ];

  options.openclawd.gogcli = with lib; {
    gogPackage = mkOption { type = types.package; description = "The gog CLI (Google Workspace)."; };
  };

  config = {
    openclawd.guest = {
      name = lib.mkDefault "gogcli";
      address = lib.mkDefault "192.168.83.3";
      mac = lib.mkDefault "02:00:00:00:00:02";
      tap = lib.mkDefault "microvm-gog";
      vcpu = lib.mkDefault 1;
      memoryMiB = lib.mkDefault 512;
      persistMiB = lib.mkDefault 1024;
    };

    users.users.gogcli = {
      isSystemUser = true;
      group = "gogcli";
      home = "/persist/gogcli";
      createHome = true;
      # sshd runs the forced command through the login shell: a real one.
      shell = pkgs.bashInteractive;
    };
    users.groups.gogcli = { };

    services.openssh = {
      enable = true;
      openFirewall = false;
      settings = {
        PasswordAuthentication = false;
        KbdInteractiveAuthentication = false;
        PermitRootLogin = "no";
        AllowUsers = [ "gogcli" ];
      };
      extraConfig = ''
        Match User gogcli
          AuthorizedKeysFile /run/secrets/authorized-keys
          DisableForwarding yes
          PermitTTY no
      '';
    };
    # Only the openclaw guest may connect (the host's nftables enforce it too).
    networking.firewall.extraInputRules = ''
      ip saddr 192.168.83.2 tcp dport 22 accept
    '';
    networking.nftables.enable = true;

    environment.etc."openclawd/gogcli.json".source = policy;
    # The path the host writes into authorized-keys (vms[].secrets.ssh_key.gate_command).
    systemd.tmpfiles.rules = [
      "L+ /usr/bin/openclawd-gate - - - - ${guest.openclawdPackage}/bin/openclawd-gate"
    ];
    environment.systemPackages = [ cfg.gogPackage ];
  };
}
