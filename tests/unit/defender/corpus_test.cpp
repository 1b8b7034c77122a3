// Layer 1 on the fixture corpus (tests/fixtures/defender/): the tuning part
// (attacks.jsonl, benign.jsonl, built by make_corpus.py) and the held-out part
// (heldout/, written before the rules of issue 18 were tuned and never looked
// at while tuning them). Each prints attacks stopped and benign texts stopped,
// by kind, and fails below its floor, so a rule that regresses fails the build.
// "Stopped" = flagged (sanitize or block).
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include "support.hpp"

namespace openclawd::defender {
namespace {

// Set from the measured held-out figures (docs/defender.md).
constexpr double kHeldOutAttacksFloor = 64.0;   // measured 44/68 = 64.7%
constexpr double kHeldOutBenignCeiling = 10.5;  // measured 6/60 = 10.0%

struct Sample {
  std::string id, text, source, category, language, evasion, kind;
};

std::vector<Sample> load(const std::string& name) {
  std::ifstream file(testing::source_dir() / "tests" / "fixtures" / "defender" / name);
  EXPECT_TRUE(file.good()) << name;
  std::vector<Sample> samples;
  std::string line;
  while (std::getline(file, line)) {
    const auto json = nlohmann::json::parse(line);
    samples.push_back({json["id"], json["text"], json["source"], json.value("category", ""),
                       json["language"], json.value("evasion", "none"),
                       json.value("kind", "original")});
  }
  return samples;
}

struct Figures {
  int stopped = 0;
  int total = 0;
  std::map<std::string, std::pair<int, int>> by_kind;  // stopped, total
  double percent() const { return total ? 100.0 * stopped / total : 0.0; }
};

Figures run(const ScanPipeline& pipeline, const std::vector<Sample>& samples, const char* what,
            bool report_stopped) {
  Figures figures;
  for (const auto& sample : samples) {
    const auto result = pipeline.scan(sample.text, sample.source);
    const bool stopped = result.flagged();
    figures.stopped += stopped;
    ++figures.total;
    auto& [hits, total] = figures.by_kind[sample.kind];
    hits += stopped;
    ++total;
    if (stopped == report_stopped) {
      std::cout << what << " " << sample.id << " (" << sample.kind << ", " << sample.language << ")"
                << (stopped ? ": " + result.findings.front().rule : "") << "\n";
    }
  }
  return figures;
}

void print(const char* name, const Figures& figures) {
  std::cout << name << ": " << figures.stopped << "/" << figures.total << " = " << figures.percent()
            << "%\n";
  for (const auto& [kind, counts] : figures.by_kind) {
    std::cout << "  " << kind << ": " << counts.first << "/" << counts.second << "\n";
  }
}

TEST(DefenderCorpus, TuningSetAttacksStoppedAndBenignTextPassed) {
  const auto attacks = load("attacks.jsonl");
  const auto benign = load("benign.jsonl");
  ASSERT_GE(attacks.size(), 300u);
  ASSERT_GE(benign.size(), 110u);
  auto pipeline = testing::project_pipeline();
  const Figures stopped = run(*pipeline, attacks, "missed", false);
  const Figures false_positives = run(*pipeline, benign, "false positive", true);
  print("tuning attacks stopped", stopped);
  print("tuning benign stopped", false_positives);
  EXPECT_GE(stopped.percent(), 95.0);
  EXPECT_LE(false_positives.percent(), 2.0);

  std::map<std::string, std::pair<int, int>> by_evasion;
  std::set<std::string> categories, languages;
  for (const auto& sample : attacks) {
    categories.insert(sample.category);
    languages.insert(sample.language);
    by_evasion[sample.evasion].second++;
  }
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

// The honest estimate. Its floors are the figures measured when the rules of
// issue 18 were done, rounded down: they guard against regressions, they were
// not a target while tuning.
TEST(DefenderCorpus, HeldOutSetFigures) {
  const auto attacks = load("heldout/attacks.jsonl");
  const auto benign = load("heldout/benign.jsonl");
  ASSERT_GE(attacks.size(), 60u);
  ASSERT_GE(benign.size(), 60u);
  auto pipeline = testing::project_pipeline();
  const Figures stopped = run(*pipeline, attacks, "held-out missed", false);
  const Figures false_positives = run(*pipeline, benign, "held-out false positive", true);
  print("held-out attacks stopped", stopped);
  print("held-out benign stopped", false_positives);
  EXPECT_GE(stopped.percent(), kHeldOutAttacksFloor);
  EXPECT_LE(false_positives.percent(), kHeldOutBenignCeiling);
}

}  // namespace
}  // namespace openclawd::defender
