# The few pkgs attributes the modules use. Derivations are stand-ins whose
# outPath is a directory the test made, so files the modules read exist;
# `formats.json` has nixpkgs' JSON value type; runCommand/writeText keep their
# script and text so the test can look at them.
{ lib, openclawd, fakeDir }:
let
  fakeDrv = name: path: { type = "derivation"; inherit name; outPath = path; };
  jsonValue = with lib.types;
    let valueType = nullOr (oneOf [ bool int float str path (attrsOf valueType) (listOf valueType) ])
      // { description = "JSON value"; };
    in valueType;
in
{
  formats.json = { }: {
    type = jsonValue;
    generate = name: value: {
      inherit name value;
      text = builtins.toJSON value;
      outPath = "${fakeDir}/generated-${name}";
    };
  };
  runCommand = name: env: script: { inherit name env script; outPath = "${fakeDir}/run-${name}"; };
  writeText = name: text: { inherit name text; outPath = "${fakeDir}/text-${name}"; };
  virtiofsd = fakeDrv "virtiofsd" "${fakeDir}/virtiofsd";
  e2fsprogs = fakeDrv "e2fsprogs" "${fakeDir}/e2fsprogs";
  bashInteractive = fakeDrv "bash" "${fakeDir}/bash";
  openclawd = fakeDrv "openclawd" openclawd;
  openclaw = fakeDrv "openclaw" "${fakeDir}/openclaw";
  gog = fakeDrv "gog" "${fakeDir}/gog";
  kernel = fakeDrv "linux" "${fakeDir}/kernel";
}
