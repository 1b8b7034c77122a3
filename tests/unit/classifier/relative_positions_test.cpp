#include "relative_positions.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace openclawd::defender {
namespace {

DebertaConfig bucketed(int buckets, int max_relative) {
  DebertaConfig config;
  config.position_buckets = buckets;
  config.max_relative_positions = max_relative;
  return config;
}

TEST(RelativePositions, BucketsAreOddAndGrowWithDistance) {
  int previous = 0;
  for (int distance = 0; distance < 512; ++distance) {
    const int bucket = bucket_position(distance, 256, 512);
    EXPECT_EQ(bucket_position(-distance, 256, 512), -bucket) << distance;
    EXPECT_GE(bucket, previous);
    previous = bucket;
  }
  EXPECT_EQ(bucket_position(100, 256, 512), 100);  // inside the linear middle
  EXPECT_EQ(bucket_position(511, 256, 512), 255);  // the far end reaches the last bucket
}

// Both tables against the definition, row(i - j) for every pair of a window.
TEST(RelativePositions, TablesGiveTheRowOfEveryQueryKeyPair) {
  for (const auto& [config, span, length] :
       {std::tuple{bucketed(256, 512), 256, 512}, std::tuple{bucketed(256, 512), 256, 7},
        std::tuple{bucketed(-1, 48), 48, 48}, std::tuple{bucketed(8, 64), 8, 40}}) {
    const auto positions = relative_positions(config, span, length);
    ASSERT_EQ(positions.row_by_distance.size(), static_cast<std::size_t>(2 * length - 1));
    int lowest = 1 << 30, highest = -1;
    for (int i = 0; i < length; ++i) {
      for (int j = 0; j < length; ++j) {
        const int bucket =
            config.position_buckets > 0
                ? bucket_position(i - j, config.position_buckets, config.max_relative_positions)
                : i - j;
        const int row = std::clamp(bucket + span, 0, 2 * span - 1);
        lowest = std::min(lowest, row);
        highest = std::max(highest, row);
        ASSERT_EQ(positions.row_by_distance[static_cast<std::size_t>(i - j + length - 1)] +
                      positions.first_row,
                  row);
        ASSERT_EQ(positions.row_by_reversed_distance[static_cast<std::size_t>(j - i + length - 1)] +
                      positions.first_row,
                  row);
      }
    }
    EXPECT_EQ(positions.first_row, lowest);
    EXPECT_EQ(positions.row_count, highest - lowest + 1);
  }
}

}  // namespace
}  // namespace openclawd::defender
