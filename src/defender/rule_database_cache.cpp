#include "rule_database_cache.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <system_error>

#include "openclawd/defender/decision_log.hpp"

namespace openclawd::defender {
namespace {

constexpr std::string_view kMagic = "OCLWDHS1";
constexpr std::size_t kHashHex = 64;
constexpr std::size_t kHeader = 8 + kHashHex + 8 + kHashHex;  // magic, key, length, checksum
constexpr std::uintmax_t kMaxFileBytes = 256ULL * 1024 * 1024;

std::filesystem::path cache_file(const std::filesystem::path& dir, const std::string& key) {
  return dir / ("rules-" + key.substr(0, 32) + ".hsdb");
}

void put_u64(std::string& out, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

std::uint64_t get_u64(std::string_view in) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) {
    value = (value << 8) | static_cast<unsigned char>(in[static_cast<std::size_t>(i)]);
  }
  return value;
}

}  // namespace

std::string database_cache_key(const CompileInput& input) {
  std::string material = "openclawd rules database v1";
  material.push_back('\0');
  material += hs_version();
  material.push_back('\0');
  hs_platform_info_t platform{};
  if (hs_populate_platform(&platform) == HS_SUCCESS) {
    put_u64(material, platform.tune);
    put_u64(material, platform.cpu_features);
  }
  material += input.rules_sha256;
  material.push_back('\0');
  for (std::size_t i = 0; i < input.expressions.size(); ++i) {
    put_u64(material, input.ids[i]);
    put_u64(material, input.flags[i]);
    material += input.expressions[i];
    material.push_back('\0');
  }
  return sha256_hex(material);
}

hs_database_t* load_cached_database(const std::filesystem::path& dir, const std::string& key,
                                    std::string& why) {
  const auto file = cache_file(dir, key);
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) {
    why = "no cached database";
    return nullptr;
  }
  if (size < kHeader || size > kMaxFileBytes) {
    why = file.string() + ": not a rules database cache file (size)";
    return nullptr;
  }
  std::ifstream in(file, std::ios::binary);
  std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  const std::string_view view(bytes);
  if (bytes.size() != size || view.substr(0, 8) != kMagic) {
    why = file.string() + ": not a rules database cache file";
    return nullptr;
  }
  if (view.substr(8, kHashHex) != key) {
    why = file.string() + ": made for other rules or another Vectorscan/CPU";
    return nullptr;
  }
  const std::uint64_t length = get_u64(view.substr(8 + kHashHex, 8));
  const std::string_view blob = view.substr(kHeader);
  if (length != blob.size() || sha256_hex(blob) != view.substr(8 + kHashHex + 8, kHashHex)) {
    why = file.string() + ": truncated or corrupt";
    return nullptr;
  }
  hs_database_t* database = nullptr;
  if (hs_deserialize_database(blob.data(), blob.size(), &database) != HS_SUCCESS) {
    why = file.string() + ": Vectorscan cannot load it";
    return nullptr;
  }
  return database;
}

std::string store_cached_database(const std::filesystem::path& dir, const std::string& key,
                                  const hs_database_t* database) {
  char* serialized = nullptr;
  std::size_t length = 0;
  if (hs_serialize_database(database, &serialized, &length) != HS_SUCCESS) {
    return "Vectorscan cannot serialize the database";
  }
  std::string bytes(kMagic);
  bytes += key;
  put_u64(bytes, length);
  const std::string_view blob(serialized, length);
  bytes += sha256_hex(blob);
  bytes.append(blob);
  std::free(serialized);

  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return "cannot create " + dir.string() + ": " + ec.message();
  const auto file = cache_file(dir, key);
  const auto temporary = file.string() + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return "cannot write " + temporary + ": " + std::strerror(errno);
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string error = std::strerror(errno);
      ::close(fd);
      ::unlink(temporary.c_str());
      return "cannot write " + temporary + ": " + error;
    }
    written += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (::rename(temporary.c_str(), file.c_str()) != 0) {
    const std::string error = std::strerror(errno);
    ::unlink(temporary.c_str());
    return "cannot rename " + temporary + ": " + error;
  }
  return {};
}

}  // namespace openclawd::defender
