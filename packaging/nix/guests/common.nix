# What both guests share, on top of microvm.nix's guest module (import
# microvm.nixosModules.microvm next to this): the host's /nix/store read-only
# (tag ro-store), the secrets openclawd writes (tag secrets, /run/secrets), a
# persistent ext4 volume at /persist, a static IPv4 address on the bridge with
# the host as gateway and DNS, and no IPv6. The host module
# (services.openclawd.guests) reads kernel, initrd and kernelParams from here.
{ config, lib, ... }:
let
  cfg = config.openclawd.guest;
in
{
  options.openclawd.guest = with lib; {
    name = mkOption { type = types.str; description = "The VM's name in openclawd's config."; };
    address = mkOption { type = types.str; description = "IPv4 address on the bridge, e.g. 192.168.83.2."; };
    mac = mkOption { type = types.str; description = "MAC of the guest's NIC (the VM entry's network.mac)."; };
    tap = mkOption { type = types.str; description = "Host tap (the VM entry's network.tap)."; };
    gateway = mkOption { type = types.str; default = "192.168.83.1"; description = "The bridge address: gateway and DNS."; };
    prefixLength = mkOption { type = types.int; default = 24; description = "Prefix length of the bridge network."; };
    vcpu = mkOption { type = types.ints.positive; description = "vCPUs (the VM entry's vcpu)."; };
    memoryMiB = mkOption { type = types.ints.positive; description = "Memory (the VM entry's memory_mib)."; };
    persistMiB = mkOption { type = types.ints.positive; description = "Size of the /persist volume (the VM entry's disks[0].size_mib)."; };
    openclawdPackage = mkOption { type = types.package; description = "openclawd (for the gate and the defender plugin)."; };
  };

  config = {
    networking.hostName = lib.mkDefault cfg.name;
    microvm = {
      hypervisor = lib.mkDefault "qemu";
      vcpu = cfg.vcpu;
      mem = cfg.memoryMiB;
      shares = [
        { tag = "ro-store"; source = "/nix/store"; mountPoint = "/nix/.ro-store"; proto = "virtiofs"; readOnly = true; }
        { tag = "secrets"; source = "secrets"; mountPoint = "/run/secrets"; proto = "virtiofs"; readOnly = true; }
      ];
      interfaces = [ { type = "tap"; id = cfg.tap; mac = cfg.mac; } ];
    };
    # The only disk openclawd gives the guest (the store comes over virtiofs).
    fileSystems."/persist" = { device = "/dev/vda"; fsType = "ext4"; neededForBoot = false; };

    networking.useDHCP = false;
    networking.enableIPv6 = false;
    boot.kernel.sysctl."net.ipv6.conf.all.disable_ipv6" = 1;
    networking.useNetworkd = true;
    systemd.network.networks."10-bridge" = {
      matchConfig.MACAddress = cfg.mac;
      address = [ "${cfg.address}/${toString cfg.prefixLength}" ];
      gateway = [ cfg.gateway ];
      dns = [ cfg.gateway ];
    };
    networking.firewall.enable = true;
  };
}
