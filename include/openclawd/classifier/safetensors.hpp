#pragma once
// Reading Hugging Face safetensors files: an 8-byte little-endian header length,
// a JSON header {name: {dtype, shape, data_offsets}}, then the tensor bytes.
// The file is memory-mapped; the rows of a large embedding table are read
// one at a time so the table never counts in RSS. Every header field is validated against the file
// size: a malformed file is an error, never an out-of-bounds read.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "openclawd/core/result.hpp"

namespace openclawd::defender {

enum class TensorDtype { f32, f16, bf16 };

struct TensorInfo {
  TensorDtype dtype = TensorDtype::f32;
  std::vector<std::int64_t> shape;
  std::size_t begin = 0;  // byte offset inside the data section
  std::size_t end = 0;
  std::size_t element_count() const;
};

std::size_t dtype_size(TensorDtype dtype);

// Validates the header of a safetensors image (the whole file's bytes) and returns
// the tensor table. Unknown dtypes, overlapping or out-of-range offsets, shapes that
// do not match the byte length and non-object entries are errors.
Result<std::map<std::string, TensorInfo>> parse_safetensors_header(std::span<const std::byte> file);

// A read-only view of a weight, always float32 to the caller: F32 data aligned in
// the mapping is used in place; F16/BF16 (or misaligned) data is converted once.
struct FloatTensor {
  std::vector<std::int64_t> shape;
  const float* data = nullptr;
  std::vector<float> owned;  // non-empty when converted
  std::size_t size() const;
};

class SafetensorsFile {
 public:
  static Result<SafetensorsFile> open(const std::string& path);

  SafetensorsFile(SafetensorsFile&&) noexcept;
  SafetensorsFile& operator=(SafetensorsFile&&) noexcept;
  ~SafetensorsFile();

  bool contains(const std::string& name) const;
  const TensorInfo* info(const std::string& name) const;
  // The tensor with that name, checked against the expected shape.
  Result<FloatTensor> tensor(const std::string& name,
                             const std::vector<std::int64_t>& expected_shape) const;
  // One row of a 2-D tensor converted to float. Read with pread, not through the
  // mapping: the kernel maps whole page-cache folios (up to megabytes) on a
  // fault, so a few hundred embedding lookups through the mapping would put the
  // whole 250k-row table in RSS. Reading copies only the row.
  Status read_row(const TensorInfo& info, std::size_t row, float* out) const;
  const std::string& path() const { return path_; }

 private:
  SafetensorsFile() = default;
  std::string path_;
  int descriptor_ = -1;  // kept open for read_row
  const std::byte* mapping_ = nullptr;
  std::size_t mapping_size_ = 0;
  const std::byte* data_ = nullptr;  // start of the data section
  std::map<std::string, TensorInfo> tensors_;
};

}  // namespace openclawd::defender
