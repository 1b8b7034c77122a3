#include "openclawd/classifier/safetensors.hpp"

#include <gtest/gtest.h>

#include <cstring>

namespace openclawd::defender {
namespace {

std::vector<std::byte> image(const std::string& header, std::size_t data_bytes) {
  std::vector<std::byte> bytes(8 + header.size() + data_bytes);
  std::uint64_t size = header.size();
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<std::byte>((size >> (8 * i)) & 0xff);
  std::memcpy(bytes.data() + 8, header.data(), header.size());
  return bytes;
}

Result<std::map<std::string, TensorInfo>> parse(const std::string& header, std::size_t data) {
  auto bytes = image(header, data);
  return parse_safetensors_header(bytes);
}

TEST(SafetensorsHeader, AcceptsTheThreeFloatDtypes) {
  auto tensors = parse(R"({"__metadata__":{"format":"pt"},
    "a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},
    "b":{"dtype":"F16","shape":[4],"data_offsets":[24,32]},
    "c":{"dtype":"BF16","shape":[],"data_offsets":[32,34]}})",
                       34);
  ASSERT_TRUE(tensors.ok()) << tensors.error().message;
  EXPECT_EQ(tensors->at("a").shape, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(tensors->at("b").dtype, TensorDtype::f16);
  EXPECT_EQ(tensors->at("c").element_count(), 1u);
}

TEST(SafetensorsHeader, RejectsMalformedHeadersWithAReason) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}})", "outside"},
      {R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", "needs"},
      {R"({"a":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}})", "dtype"},
      {R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,8]}})", "negative"},
      {R"({"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}})", "larger"},
      {R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})", "outside"},
      {R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},
           "b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
       "overlap"},
      {R"({"a":{"dtype":"F32","shape":[2]}})", "data_offsets"},
      {R"({"a":7})", "not an object"},
      {R"([1,2])", "JSON object"},
      {R"({"a":)", "JSON object"},
  };
  for (const auto& [header, reason] : cases) {
    auto tensors = parse(header, 8);
    ASSERT_FALSE(tensors.ok()) << header;
    EXPECT_NE(tensors.error().message.find(reason), std::string::npos)
        << header << " -> " << tensors.error().message;
  }
}

TEST(SafetensorsHeader, RejectsHeaderLengthBeyondTheFile) {
  auto bytes = image("{}", 0);
  bytes[0] = std::byte{0xff};
  bytes[5] = std::byte{0x01};
  auto tensors = parse_safetensors_header(bytes);
  ASSERT_FALSE(tensors.ok());
  EXPECT_NE(tensors.error().message.find("exceeds"), std::string::npos);
  EXPECT_FALSE(parse_safetensors_header(std::span<const std::byte>(bytes.data(), 5)).ok());
}

}  // namespace
}  // namespace openclawd::defender
