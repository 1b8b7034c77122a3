#include "openclawd/inference/seen_messages.hpp"

#include <openssl/evp.h>

#include <cstring>

namespace openclawd::inference {

SeenMessages::Key SeenMessages::key(std::string_view source, std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  EVP_DigestInit_ex(context, EVP_sha256(), nullptr);
  EVP_DigestUpdate(context, source.data(), source.size());
  const unsigned char separator = 0;
  EVP_DigestUpdate(context, &separator, 1);
  EVP_DigestUpdate(context, text.data(), text.size());
  EVP_DigestFinal_ex(context, digest, &length);
  EVP_MD_CTX_free(context);
  Key key{};
  std::memcpy(key.data(), digest, key.size());
  return key;
}

std::size_t SeenMessages::KeyHash::operator()(const Key& key) const {
  std::size_t value = 0;
  std::memcpy(&value, key.data(), sizeof(value));  // already a uniform hash
  return value;
}

const SeenMessages::Verdict* SeenMessages::find(const std::string& vm, const Key& key) {
  auto per_vm = vms_.find(vm);
  if (per_vm == vms_.end()) return nullptr;
  auto& [recency, index] = per_vm->second;
  auto entry = index.find(key);
  if (entry == index.end()) return nullptr;
  recency.splice(recency.begin(), recency, entry->second);
  return &entry->second->verdict;
}

void SeenMessages::remember(const std::string& vm, const Key& key, Verdict verdict) {
  if (capacity_ == 0) return;
  auto& [recency, index] = vms_[vm];
  if (auto entry = index.find(key); entry != index.end()) {
    entry->second->verdict = std::move(verdict);
    recency.splice(recency.begin(), recency, entry->second);
    return;
  }
  recency.push_front(Entry{key, std::move(verdict)});
  index.emplace(key, recency.begin());
  while (recency.size() > capacity_) {
    index.erase(recency.back().key);
    recency.pop_back();
  }
}

std::size_t SeenMessages::size(const std::string& vm) const {
  auto per_vm = vms_.find(vm);
  return per_vm == vms_.end() ? 0 : per_vm->second.recency.size();
}

}  // namespace openclawd::inference
