// Fuzzes the safetensors header parser: any bytes must give a tensor table whose
// every range lies inside the input, or an Error; never a crash or a hang.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "openclawd/classifier/safetensors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> file(reinterpret_cast<const std::byte*>(data), size);
  auto tensors = openclawd::defender::parse_safetensors_header(file);
  if (!tensors.ok()) return 0;
  for (const auto& [name, info] : *tensors) {
    if (info.end > size || info.begin > info.end ||
        info.end - info.begin !=
            info.element_count() * openclawd::defender::dtype_size(info.dtype)) {
      std::abort();  // the parser accepted a range it must have rejected
    }
  }
  return 0;
}
