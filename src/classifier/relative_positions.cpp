#include "relative_positions.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace openclawd::defender {

// Float32 arithmetic, like torch computes it, so bucket edges land where they do there.
int bucket_position(int relative, int bucket_size, int max_position) {
  const int sign = (relative > 0) - (relative < 0);
  const int mid = bucket_size / 2;
  const int absolute = (relative < mid && relative > -mid) ? mid - 1 : std::abs(relative);
  if (absolute <= mid) return relative;
  const float log_position =
      std::ceil(std::log(static_cast<float>(absolute) / static_cast<float>(mid)) /
                std::log(static_cast<float>(max_position - 1) / static_cast<float>(mid)) *
                static_cast<float>(mid - 1)) +
      static_cast<float>(mid);
  return static_cast<int>(log_position) * sign;
}

RelativePositions relative_positions(const DebertaConfig& config, int span, int length) {
  RelativePositions out;
  out.span = span;
  const bool bucketed = config.position_buckets > 0 && config.max_relative_positions > 0;
  auto row = [&](int distance) {
    const int bucket =
        bucketed ? bucket_position(distance, config.position_buckets, config.max_relative_positions)
                 : distance;
    return std::clamp(bucket + span, 0, 2 * span - 1);
  };
  // Buckets grow with the distance, so the extreme distances give the extreme rows.
  out.first_row = row(-(length - 1));
  out.row_count = row(length - 1) - out.first_row + 1;
  out.row_by_distance.resize(static_cast<std::size_t>(2 * length - 1));
  for (int distance = -(length - 1); distance < length; ++distance) {
    out.row_by_distance[static_cast<std::size_t>(distance + length - 1)] =
        row(distance) - out.first_row;
  }
  out.row_by_reversed_distance.assign(out.row_by_distance.rbegin(), out.row_by_distance.rend());
  return out;
}

}  // namespace openclawd::defender
