// /defender/classifiers in the config file, and Layer 2 built from it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/temp_dir.hpp"
#include "openclawd/classifier/layer.hpp"
#include "openclawd/config/config.hpp"

namespace openclawd::defender {
namespace {
using ::testing::HasSubstr;

class ClassifierConfig : public ::testing::Test {
 protected:
  Result<config::Config> load(const nlohmann::json& classifiers) {
    directory_.write("images/vmlinuz", "kernel");
    // The smallest valid config around the key under test.
    auto document = nlohmann::json::parse(R"({
      "version": 1, "state_dir": "state", "dns": {"enabled": false},
      "network": {"bridge": "microbr", "address": "192.168.83.1/24", "uplink": "eno1"},
      "vms": [{"name": "openclaw", "vcpu": 1, "memory_mib": 512, "kernel": "images/vmlinuz",
               "network": {"tap": "microvm-oc", "mac": "02:00:00:00:00:01",
                           "ip": "192.168.83.2"}, "vsock_cid": 3}]
    })");
    document["defender"]["classifiers"] = classifiers;
    return config::load_config(directory_.write("openclawd.json", document.dump(2)));
  }
  std::string error(const nlohmann::json& classifiers) {
    auto result = load(classifiers);
    EXPECT_FALSE(result.ok()) << "config unexpectedly valid";
    return result.ok() ? std::string() : result.error().message;
  }
  openclawd::testing::TempDir directory_;
};

TEST_F(ClassifierConfig, BothBackendsWithDefaultsAndRelativeModelDir) {
  auto loaded = load({{{"name", "pg2-86m"}, {"model_dir", "models/pg2"}, {"threads", 2}},
                      {{"name", "protectai"},
                       {"backend", "http"},
                       {"url", "http://127.0.0.1:8000"},
                       {"threshold", 0.8},
                       {"max_batch", 4}}});
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const auto& list = loaded->defender.classifiers;
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].backend, config::ClassifierBackend::in_process);
  EXPECT_EQ(list[0].model_dir, directory_.path() / "models/pg2");
  EXPECT_EQ(list[0].threads, 2);
  EXPECT_EQ(list[0].window, 512);
  EXPECT_EQ(list[0].stride, 256);
  EXPECT_DOUBLE_EQ(list[0].threshold, 0.5);
  EXPECT_EQ(list[1].backend, config::ClassifierBackend::http);
  EXPECT_EQ(list[1].url, "http://127.0.0.1:8000");
  EXPECT_DOUBLE_EQ(list[1].threshold, 0.8);
  EXPECT_EQ(list[1].max_batch, 4);
}

TEST_F(ClassifierConfig, MistakesNameTheirPointer) {
  EXPECT_THAT(error({{{"name", "a"}}}), HasSubstr("/defender/classifiers/0/model_dir: required"));
  EXPECT_THAT(error({{{"name", "a"}, {"backend", "http"}}}),
              HasSubstr("/defender/classifiers/0/url: required"));
  EXPECT_THAT(error({{{"name", "a"}, {"backend", "http"}, {"url", "ftp://x"}}}),
              HasSubstr("/defender/classifiers/0/url: expected an http"));
  EXPECT_THAT(error({{{"name", "a"}, {"backend", "onnx"}, {"model_dir", "m"}}}),
              HasSubstr("/defender/classifiers/0/backend: expected one of"));
  EXPECT_THAT(error({{{"name", "a"}, {"model_dir", "m"}, {"threshold", 1.5}}}),
              HasSubstr("/defender/classifiers/0/threshold: expected a number from 0 to 1"));
  EXPECT_THAT(error({{{"name", "a"}, {"model_dir", "m"}, {"window", 64}, {"stride", 63}}}),
              HasSubstr("/defender/classifiers/0/stride: must be at most window - 2 (62)"));
  EXPECT_THAT(error({{{"name", "a"}, {"model_dir", "m"}}, {{"name", "a"}, {"model_dir", "n"}}}),
              HasSubstr("/defender/classifiers/1/name: \"a\" is used by another classifier"));
  EXPECT_THAT(error({{{"name", "a"}, {"model_dir", "m"}, {"windw", 3}}}),
              HasSubstr("/defender/classifiers/0/windw: unknown key"));
}

TEST_F(ClassifierConfig, NoClassifierGivesNoLayerAndAMissingModelAnError) {
  auto empty = load(nlohmann::json::array());
  ASSERT_TRUE(empty.ok()) << empty.error().message;
  auto none = make_classifier_layer(empty->defender);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, nullptr);

  auto missing = load({{{"name", "pg2"}, {"model_dir", "no-such-model"}}});
  ASSERT_TRUE(missing.ok()) << missing.error().message;
  auto layer = make_classifier_layer(missing->defender);
  ASSERT_FALSE(layer.ok());
  EXPECT_THAT(layer.error().message, HasSubstr("/defender/classifiers/0 (pg2)"));
  EXPECT_THAT(layer.error().message, HasSubstr("no-such-model/config.json"));

  auto http = load({{{"name", "srv"}, {"backend", "http"}, {"url", "http://127.0.0.1:9"}}});
  ASSERT_TRUE(http.ok());
  auto http_layer = make_classifier_layer(http->defender);
  ASSERT_TRUE(http_layer.ok()) << http_layer.error().message;
  ASSERT_NE(*http_layer, nullptr);
  // Nothing listens on the discard port: the layer reports the error, no score.
  LayerInput input;
  input.original_text = "hello";
  auto report = (*http_layer)->evaluate(input);
  EXPECT_TRUE(report.ran);
  EXPECT_THAT(report.error, HasSubstr("srv: http://127.0.0.1:9/classify"));
  EXPECT_FALSE(report.injection_score.has_value());
}

}  // namespace
}  // namespace openclawd::defender
