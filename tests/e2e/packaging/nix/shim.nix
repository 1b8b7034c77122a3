# The NixOS options the openclawd modules set, declared loosely (type
# anything) so that nixpkgs' module system (lib.evalModules) can evaluate the
# real modules without the rest of NixOS. A misspelled option path fails the
# evaluation, since nothing else declares it.
{ lib, paths }:
let
  declare = path: lib.setAttrByPath path (lib.mkOption {
    type = lib.types.anything;
    default = null;
    description = "declared by the test shim";
  });
  # attrsOf options, whose entries are merged one by one.
  declareAttrs = path: lib.setAttrByPath path (lib.mkOption {
    type = lib.types.lazyAttrsOf lib.types.anything;
    default = { };
    description = "declared by the test shim";
  });
  declareList = path: lib.setAttrByPath path (lib.mkOption {
    type = lib.types.listOf lib.types.anything;
    default = [ ];
    description = "declared by the test shim";
  });
in
{
  options = builtins.foldl' lib.recursiveUpdate { }
    (map declare paths.plain ++ map declareAttrs paths.attrs ++ map declareList paths.lists);
}
