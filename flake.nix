# openclawd as a flake: the package, the host's NixOS module and the two guest
# modules (docs/nixos.md). A host adds this flake and microvm.nix as inputs:
#
#   services.openclawd = { enable = true; settings = { ... }; };
#
{
  description = "openclawd: AI agent guests under libvirt, their network, DNS, secrets, audit and prompt-injection defender";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    microvm = {
      url = "github:microvm-nix/microvm.nix";
      inputs.nixpkgs.follows = "nixpkgs";
    };
  };

  outputs = { self, nixpkgs, microvm }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" ];
      forAllSystems = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
    in
    {
      packages = forAllSystems (pkgs: {
        default = pkgs.callPackage ./packaging/nix/package.nix { src = self; };
      });

      # The host: services.openclawd (package defaults to this flake's).
      nixosModules.default = { pkgs, lib, ... }: {
        imports = [ ./packaging/nix/module.nix ];
        services.openclawd.package = lib.mkDefault self.packages.${pkgs.stdenv.hostPlatform.system}.default;
      };

      # The guests, on microvm.nix's guest module.
      nixosModules.openclaw-guest = { pkgs, lib, ... }: {
        imports = [ microvm.nixosModules.microvm ./packaging/nix/guests/openclaw.nix ];
        openclawd.guest.openclawdPackage = lib.mkDefault self.packages.${pkgs.stdenv.hostPlatform.system}.default;
      };
      nixosModules.gogcli-guest = { pkgs, lib, ... }: {
        imports = [ microvm.nixosModules.microvm ./packaging/nix/guests/gogcli.nix ];
        openclawd.guest.openclawdPackage = lib.mkDefault self.packages.${pkgs.stdenv.hostPlatform.system}.default;
      };
    };
}
