// Detection and false-positive rates of Layer 1 on the fixture corpus
// (tests/fixtures/defender/, built by make_corpus.py). Fails below 95%
// detection or above 2% false positives; prints the misses.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include "support.hpp"

namespace openclawd::defender {
namespace {

struct Sample {
  std::string id, text, source, category, language, evasion;
};

std::vector<Sample> load(const std::string& name) {
  std::ifstream file(testing::source_dir() / "tests" / "fixtures" / "defender" / name);
  EXPECT_TRUE(file.good()) << name;
  std::vector<Sample> samples;
  std::string line;
  while (std::getline(file, line)) {
    const auto json = nlohmann::json::parse(line);
    samples.push_back({json["id"], json["text"], json["source"], json["category"], json["language"],
                       json["evasion"]});
  }
  return samples;
}

TEST(DefenderCorpus, DetectsAttacksAndPassesBenignText) {
  const auto attacks = load("attacks.jsonl");
  const auto benign = load("benign.jsonl");
  ASSERT_GE(attacks.size(), 200u);
  ASSERT_GE(benign.size(), 80u);
  auto pipeline = testing::project_pipeline();

  std::map<std::string, std::pair<int, int>> by_evasion;  // detected, total
  std::set<std::string> categories, languages;
  int detected = 0;
  for (const auto& sample : attacks) {
    categories.insert(sample.category);
    languages.insert(sample.language);
    const bool flagged = pipeline->scan(sample.text, sample.source).flagged();
    detected += flagged;
    auto& [hits, total] = by_evasion[sample.evasion];
    hits += flagged;
    ++total;
    if (!flagged)
      std::cout << "missed " << sample.id << " (" << sample.category << ", " << sample.language
                << ", " << sample.evasion << ")\n";
  }
  int false_positives = 0;
  for (const auto& sample : benign) {
    const auto result = pipeline->scan(sample.text, sample.source);
    if (result.flagged()) {
      ++false_positives;
      std::cout << "false positive " << sample.id << ": " << result.findings.front().rule << "\n";
    }
  }
  const double detection = 100.0 * detected / static_cast<double>(attacks.size());
  const double false_positive_rate = 100.0 * false_positives / static_cast<double>(benign.size());
  std::cout << "detection " << detected << "/" << attacks.size() << " = " << detection << "%\n"
            << "false positives " << false_positives << "/" << benign.size() << " = "
            << false_positive_rate << "%\n";
  for (const auto& [evasion, counts] : by_evasion) {
    std::cout << "  evasion " << evasion << ": " << counts.first << "/" << counts.second << "\n";
  }
  EXPECT_GE(detection, 95.0);
  EXPECT_LE(false_positive_rate, 2.0);
  for (const char* evasion :
       {"zero_width", "fullwidth", "homoglyph", "base64", "split_lines", "bidi",
        "after_12000_chars", "letter_spaced", "hex", "percent", "tag_chars"}) {
    EXPECT_TRUE(by_evasion.count(evasion)) << "corpus lacks evasion " << evasion;
  }
  for (const char* language : {"en", "ja", "zh", "ko", "es", "fr", "de", "ru", "pt", "ar"}) {
    EXPECT_TRUE(languages.count(language)) << "corpus lacks language " << language;
  }
  EXPECT_GE(categories.size(), 13u);
}

}  // namespace
}  // namespace openclawd::defender
