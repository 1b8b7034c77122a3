# Reads packaging/systemd/openclawd.service into { unit = {...}; service = {...}; }
# so that the NixOS module runs the daemon with exactly the hardening of the
# unit Debian installs (one declaration; a key given twice becomes a list).
{ lib, unitFile ? ../systemd/openclawd.service }:
let
  lines = lib.splitString "\n" (builtins.readFile unitFile);
  step = acc: raw:
    let line = lib.trim raw;
    in
    if line == "" || lib.hasPrefix "#" line then acc
    else if lib.hasPrefix "[" line then acc // { section = lib.toLower (lib.removeSuffix "]" (lib.removePrefix "[" line)); }
    else
      let
        parts = lib.splitString "=" line;
        key = builtins.head parts;
        value = lib.concatStringsSep "=" (builtins.tail parts);
        old = acc.${acc.section} or { };
        merged = if old ? ${key} then lib.toList old.${key} ++ [ value ] else value;
      in
      acc // { ${acc.section} = old // { ${key} = merged; }; };
  parsed = builtins.foldl' step { section = ""; } lines;
in
{
  unit = parsed.unit or { };
  service = parsed.service or { };
  install = parsed.install or { };
}
