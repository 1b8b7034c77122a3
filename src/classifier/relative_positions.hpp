#pragma once
// DeBERTa's relative positions: the distance i - j between a query and a key,
// log-bucketed like transformers' make_log_bucket_position, turned into a column
// of the [2 * span] relative-embedding table.

#include <vector>

#include "openclawd/classifier/model.hpp"

namespace openclawd::defender {

// bucket(i - j); odd: bucket(-d) == -bucket(d), which lets c2p and p2c share one table.
int bucket_position(int relative, int bucket_size, int max_position);

// For a window of `length` tokens: the relative-embedding rows attention reads.
struct RelativePositions {
  int span = 0;       // the table has 2 * span rows
  int first_row = 0;  // lowest row any pair (i, j) reads
  int row_count = 0;  // rows first_row .. first_row + row_count - 1
  // row(i - j) - first_row, stored at [i - j + length - 1], for i, j < length.
  std::vector<int> row_by_distance;
  // The same rows in the other order: row(i - j) - first_row at [j - i + length - 1],
  // so that walking j forward walks this table forward.
  std::vector<int> row_by_reversed_distance;
};

RelativePositions relative_positions(const DebertaConfig& config, int span, int length);

}  // namespace openclawd::defender
