# openclawd built with CMake from this repository; the nixpkgs equivalents of
# the Debian packages scripts/install-deps.sh installs.
{ lib, stdenv, cmake, ninja, pkg-config, libvirt, libnftnl, libmnl, audit, unbound, openssl
, spdlog, fmt, nlohmann_json, cli11, boost, vectorscan, icu, re2, sentencepiece, openblas
, curl, systemd, e2fsprogs, makeWrapper, src ? ../.. }:

stdenv.mkDerivation {
  pname = "openclawd";
  version = "0.1.0";
  inherit src;

  nativeBuildInputs = [ cmake ninja pkg-config makeWrapper ];
  buildInputs = [
    libvirt libnftnl libmnl audit unbound openssl spdlog fmt nlohmann_json cli11 boost
    vectorscan icu re2 sentencepiece openblas curl systemd
  ];

  # The test suites need root, libvirtd, network namespaces: CI runs them on
  # Debian (.ci/run). The package builds the two binaries and installs the data.
  cmakeFlags = [
    "-DOPENCLAWD_BUILD_TESTS=OFF"
    "-DOPENCLAWD_BUILD_BENCHMARKS=OFF"
    "-DOPENCLAWD_WERROR=OFF"
  ];

  # Guest disk images are formatted with mkfs.ext4 (src/vm/disk_image.cpp).
  postFixup = ''
    wrapProgram $out/bin/openclawd --prefix PATH : ${lib.makeBinPath [ e2fsprogs ]}
  '';

  meta = {
    description = "Supervises AI agent guests (libvirt), their network, DNS, secrets, audit and prompt-injection defender";
    platforms = lib.platforms.linux;
    mainProgram = "openclawd";
  };
}
