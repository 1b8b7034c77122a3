# The openclaw guest (4 vCPU, 4096 MiB, .2): the OpenClaw gateway with the
# openclawd defender plugin, its model provider pointed at openclawd's
# inference gateway (192.168.83.1:8788), and every token from /run/secrets/
# gateway-env (OPENCLAW_GATEWAY_TOKEN, OPENCLAWD_INFERENCE_TOKEN, ...), which
# openclawd renews at each boot. See packaging/openclaw-guest/ and docs/openclaw.md.
{ config, lib, pkgs, ... }:
let
  cfg = config.openclawd.openclaw;
  guest = config.openclawd.guest;
  plugin = "${guest.openclawdPackage}/share/openclawd/openclaw-defender-plugin";
  home = "/persist/openclaw";
  openclawBin = "${cfg.package}/bin/openclaw";
in
{
  imports = [ ./common.nix ];

  options.openclawd.openclaw = with lib; {
    package = mkOption { type = types.package; description = "OpenClaw (npm `openclaw`), providing bin/openclaw."; };
    settings = mkOption {
      type = (pkgs.formats.json { }).type;
      default = builtins.fromJSON (builtins.readFile ../../openclaw-guest/openclaw.json);
      defaultText = literalExpression "packaging/openclaw-guest/openclaw.json";
      description = "The gateway's openclaw.json; `\${VAR}` values come from gateway-env.";
    };
  };

  config = {
    openclawd.guest = {
      name = lib.mkDefault "openclaw";
      address = lib.mkDefault "192.168.83.2";
      mac = lib.mkDefault "02:00:00:00:00:01";
      tap = lib.mkDefault "microvm-oc";
      vcpu = lib.mkDefault 4;
      memoryMiB = lib.mkDefault 4096;
      persistMiB = lib.mkDefault 4096;
    };

    users.users.openclaw = { isSystemUser = true; group = "openclaw"; home = home; createHome = true; };
    users.groups.openclaw = { };

    systemd.services.openclaw-gateway = {
      description = "OpenClaw gateway (provider and token from openclawd)";
      wantedBy = [ "multi-user.target" ];
      wants = [ "network-online.target" ];
      after = [ "network-online.target" ];
      unitConfig.RequiresMountsFor = [ "/run/secrets" "/persist" ];
      environment.HOME = home;
      # The config and the plugin are put in place at every start, so a
      # compromised agent's edits to them do not survive a restart.
      preStart = ''
        install -d -m 0700 ${home}/.openclaw
        install -m 0600 ${pkgs.writeText "openclaw.json" (builtins.toJSON cfg.settings)} ${home}/.openclaw/openclaw.json
        ${openclawBin} plugins install ${plugin} --force --accept-capabilities
      '';
      serviceConfig = {
        User = "openclaw";
        EnvironmentFile = "/run/secrets/gateway-env";
        ExecStart = "${openclawBin} gateway run --bind loopback --port 18789";
        Restart = "always";
        RestartSec = "5s";
      };
    };
  };
}
