#include "openclawd/classifier/safetensors.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>

namespace openclawd::defender {
namespace {

constexpr std::size_t kMaxHeaderBytes = 100 * 1024 * 1024;

Result<TensorDtype> parse_dtype(const std::string& name, const std::string& tensor) {
  if (name == "F32") return TensorDtype::f32;
  if (name == "F16") return TensorDtype::f16;
  if (name == "BF16") return TensorDtype::bf16;
  return make_error("tensor '" + tensor + "' has dtype '" + name +
                    "'; supported: F32, F16, BF16 (convert the model)");
}

float half_to_float(std::uint16_t half) {
  const std::uint32_t sign = static_cast<std::uint32_t>(half & 0x8000u) << 16;
  std::uint32_t exponent = (half >> 10) & 0x1fu;
  std::uint32_t mantissa = half & 0x3ffu;
  std::uint32_t bits = 0;
  if (exponent == 0) {
    if (mantissa == 0) {
      bits = sign;
    } else {  // subnormal: normalize
      exponent = 127 - 15 + 1;
      while ((mantissa & 0x400u) == 0) {
        mantissa <<= 1;
        --exponent;
      }
      mantissa &= 0x3ffu;
      bits = sign | (exponent << 23) | (mantissa << 13);
    }
  } else if (exponent == 0x1f) {
    bits = sign | 0x7f800000u | (mantissa << 13);
  } else {
    bits = sign | ((exponent + 127 - 15) << 23) | (mantissa << 13);
  }
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

void convert(TensorDtype dtype, const std::byte* source, std::size_t count, float* out) {
  switch (dtype) {
    case TensorDtype::f32:
      std::memcpy(out, source, count * sizeof(float));
      return;
    case TensorDtype::f16:
      for (std::size_t i = 0; i < count; ++i) {
        std::uint16_t half;
        std::memcpy(&half, source + 2 * i, 2);
        out[i] = half_to_float(half);
      }
      return;
    case TensorDtype::bf16:
      for (std::size_t i = 0; i < count; ++i) {
        std::uint16_t upper;
        std::memcpy(&upper, source + 2 * i, 2);
        const std::uint32_t bits = static_cast<std::uint32_t>(upper) << 16;
        std::memcpy(&out[i], &bits, sizeof(float));
      }
      return;
  }
}

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) text += ",";
    text += std::to_string(shape[i]);
  }
  return text + "]";
}

}  // namespace

std::size_t dtype_size(TensorDtype dtype) {
  return dtype == TensorDtype::f32 ? 4 : 2;
}

std::size_t TensorInfo::element_count() const {
  std::size_t count = 1;
  for (auto dimension : shape) count *= static_cast<std::size_t>(dimension);
  return count;
}

std::size_t FloatTensor::size() const {
  std::size_t count = 1;
  for (auto dimension : shape) count *= static_cast<std::size_t>(dimension);
  return count;
}

Result<std::map<std::string, TensorInfo>> parse_safetensors_header(
    std::span<const std::byte> file) {
  if (file.size() < 8) return make_error("file is shorter than the 8-byte header length");
  std::uint64_t header_size = 0;
  for (int i = 7; i >= 0; --i) {
    header_size = (header_size << 8) | std::to_integer<std::uint64_t>(file[i]);
  }
  if (header_size > kMaxHeaderBytes || header_size > file.size() - 8) {
    return make_error("header length " + std::to_string(header_size) + " exceeds the file size " +
                      std::to_string(file.size()) + " (truncated or not a safetensors file)");
  }
  const std::size_t data_size = file.size() - 8 - header_size;
  const auto* header_begin = reinterpret_cast<const char*>(file.data() + 8);
  auto header = nlohmann::json::parse(header_begin, header_begin + header_size, nullptr,
                                      /*allow_exceptions=*/false);
  if (header.is_discarded() || !header.is_object()) {
    return make_error("header is not a JSON object");
  }
  std::map<std::string, TensorInfo> tensors;
  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") continue;
    if (!entry.is_object()) return make_error("tensor '" + name + "' is not an object");
    const auto dtype_it = entry.find("dtype");
    const auto shape_it = entry.find("shape");
    const auto offsets_it = entry.find("data_offsets");
    if (dtype_it == entry.end() || !dtype_it->is_string() || shape_it == entry.end() ||
        !shape_it->is_array() || offsets_it == entry.end() || !offsets_it->is_array() ||
        offsets_it->size() != 2) {
      return make_error("tensor '" + name +
                        "' needs dtype (string), shape (array), data_offsets ([begin, end])");
    }
    auto dtype = parse_dtype(dtype_it->get<std::string>(), name);
    if (!dtype) return dtype.error();
    TensorInfo info;
    info.dtype = *dtype;
    // Element count with overflow checks: a shape may not claim more than the file holds.
    std::size_t count = 1;
    for (const auto& dimension : *shape_it) {
      if (!dimension.is_number_unsigned()) {
        return make_error("tensor '" + name + "' has a non-integer or negative dimension");
      }
      const auto value = dimension.get<std::uint64_t>();
      if (value != 0 && count > data_size / value) {
        return make_error("tensor '" + name + "' shape is larger than the file");
      }
      count *= value;
      info.shape.push_back(static_cast<std::int64_t>(value));
    }
    for (const auto& offset : *offsets_it) {
      if (!offset.is_number_unsigned()) {
        return make_error("tensor '" + name + "' data_offsets must be non-negative integers");
      }
    }
    const auto begin = (*offsets_it)[0].get<std::uint64_t>();
    const auto end = (*offsets_it)[1].get<std::uint64_t>();
    if (begin > end || end > data_size) {
      return make_error("tensor '" + name + "' data_offsets [" + std::to_string(begin) + ", " +
                        std::to_string(end) + "] are outside the data section of " +
                        std::to_string(data_size) + " bytes");
    }
    if (end - begin != count * dtype_size(info.dtype)) {
      return make_error("tensor '" + name + "' has " + std::to_string(end - begin) +
                        " bytes but its shape " + shape_text(info.shape) + " needs " +
                        std::to_string(count * dtype_size(info.dtype)));
    }
    info.begin = begin;
    info.end = end;
    ranges.emplace_back(begin, end);
    tensors.emplace(name, std::move(info));
  }
  std::sort(ranges.begin(), ranges.end());
  for (std::size_t i = 1; i < ranges.size(); ++i) {
    if (ranges[i].first < ranges[i - 1].second) {
      return make_error("tensors overlap in the data section");
    }
  }
  return tensors;
}

Result<SafetensorsFile> SafetensorsFile::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error(path + ": cannot open: " + std::strerror(errno));
  struct stat status {};
  if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {
    ::close(fd);
    return make_error(path + ": not a regular file");
  }
  const auto size = static_cast<std::size_t>(status.st_size);
  if (size < 8) {
    ::close(fd);
    return make_error(path + ": file is shorter than the 8-byte header length");
  }
  void* mapping = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (mapping == MAP_FAILED) {
    const int error = errno;
    ::close(fd);
    return make_error(path + ": mmap failed: " + std::strerror(error));
  }
  SafetensorsFile file;
  file.descriptor_ = fd;
  file.path_ = path;
  file.mapping_ = static_cast<const std::byte*>(mapping);
  file.mapping_size_ = size;
  auto tensors = parse_safetensors_header({file.mapping_, size});
  if (!tensors) return tensors.error().context(path);
  file.tensors_ = std::move(*tensors);
  std::uint64_t header_size = 0;
  for (int i = 7; i >= 0; --i) {
    header_size = (header_size << 8) | std::to_integer<std::uint64_t>(file.mapping_[i]);
  }
  file.data_ = file.mapping_ + 8 + header_size;
  return file;
}

SafetensorsFile::SafetensorsFile(SafetensorsFile&& other) noexcept {
  *this = std::move(other);
}

SafetensorsFile& SafetensorsFile::operator=(SafetensorsFile&& other) noexcept {
  if (this != &other) {
    if (mapping_) ::munmap(const_cast<std::byte*>(mapping_), mapping_size_);
    if (descriptor_ >= 0) ::close(descriptor_);
    descriptor_ = std::exchange(other.descriptor_, -1);
    path_ = std::move(other.path_);
    mapping_ = std::exchange(other.mapping_, nullptr);
    mapping_size_ = std::exchange(other.mapping_size_, 0);
    data_ = std::exchange(other.data_, nullptr);
    tensors_ = std::move(other.tensors_);
  }
  return *this;
}

SafetensorsFile::~SafetensorsFile() {
  if (mapping_) ::munmap(const_cast<std::byte*>(mapping_), mapping_size_);
  if (descriptor_ >= 0) ::close(descriptor_);
}

bool SafetensorsFile::contains(const std::string& name) const {
  return tensors_.count(name) != 0;
}

const TensorInfo* SafetensorsFile::info(const std::string& name) const {
  const auto it = tensors_.find(name);
  return it == tensors_.end() ? nullptr : &it->second;
}

Result<FloatTensor> SafetensorsFile::tensor(const std::string& name,
                                            const std::vector<std::int64_t>& expected) const {
  const auto* found = info(name);
  if (!found) return make_error(path_ + ": tensor '" + name + "' is missing");
  if (found->shape != expected) {
    return make_error(path_ + ": tensor '" + name + "' has shape " + shape_text(found->shape) +
                      ", config.json implies " + shape_text(expected));
  }
  FloatTensor tensor;
  tensor.shape = found->shape;
  const std::byte* source = data_ + found->begin;
  if (found->dtype == TensorDtype::f32 &&
      reinterpret_cast<std::uintptr_t>(source) % alignof(float) == 0) {
    tensor.data = reinterpret_cast<const float*>(source);
    return tensor;
  }
  tensor.owned.resize(found->element_count());
  convert(found->dtype, source, tensor.owned.size(), tensor.owned.data());
  tensor.data = tensor.owned.data();
  return tensor;
}

Status SafetensorsFile::read_row(const TensorInfo& info, std::size_t row, float* out) const {
  const auto width = static_cast<std::size_t>(info.shape.back());
  const std::size_t bytes = width * dtype_size(info.dtype);
  const std::size_t offset = static_cast<std::size_t>(data_ - mapping_) + info.begin + row * bytes;
  if (info.shape.size() != 2 || row >= static_cast<std::size_t>(info.shape.front())) {
    return make_error(path_ + ": row " + std::to_string(row) + " is outside the tensor");
  }
  // Rows are at most a few kilobytes: a stack buffer avoids an allocation per token.
  constexpr std::size_t kBufferBytes = 64 * 1024;
  alignas(float) std::byte buffer[kBufferBytes];
  std::vector<std::byte> large;
  std::byte* target = buffer;
  if (bytes > kBufferBytes) {
    large.resize(bytes);
    target = large.data();
  }
  std::size_t done = 0;
  while (done < bytes) {
    const auto got =
        ::pread(descriptor_, target + done, bytes - done, static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      return make_error(path_ + ": cannot read an embedding row: " +
                        (got < 0 ? std::strerror(errno) : "file shrank while mapped"));
    }
    done += static_cast<std::size_t>(got);
  }
  convert(info.dtype, target, width, out);
  return ok_status();
}

}  // namespace openclawd::defender
