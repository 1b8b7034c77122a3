// The vectorised element-wise kernels of the forward pass against libm and
// straightforward loops: the approximations must stay at float precision.
#include "cpu_kernels.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace openclawd::defender::kernels {
namespace {

std::vector<float> evenly_spaced(float from, float to, std::size_t count) {
  std::vector<float> values(count);
  for (std::size_t i = 0; i < count; ++i) {
    values[i] = from + (to - from) * static_cast<float>(i) / static_cast<float>(count - 1);
  }
  return values;
}

TEST(CpuKernels, ExpIsWithinFloatPrecisionOfLibmOverItsRange) {
  auto values = evenly_spaced(-86.0f, 88.0f, 100003);  // odd count: the tail loop runs too
  const auto inputs = values;
  exp_in_place(values.data(), values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double expected = std::exp(static_cast<double>(inputs[i]));
    ASSERT_NEAR(values[i] / expected, 1.0, 4e-7) << "exp(" << inputs[i] << ")";
  }
}

TEST(CpuKernels, ExpSaturatesInsteadOfOverflowing) {
  std::vector<float> values{-1000.0f, 1000.0f, 0.0f};
  exp_in_place(values.data(), values.size());
  EXPECT_GE(values[0], 0.0f);
  EXPECT_LT(values[0], 1e-37f);
  EXPECT_TRUE(std::isfinite(values[1]));
  EXPECT_FLOAT_EQ(values[2], 1.0f);
}

TEST(CpuKernels, GeluMatchesTheErfDefinition) {
  auto values = evenly_spaced(-12.0f, 12.0f, 20001);
  const auto inputs = values;
  gelu_erf(values.data(), values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double x = inputs[i];
    const double expected = 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
    ASSERT_NEAR(values[i], expected, 2e-7 * std::max(1.0, std::abs(x))) << "gelu(" << x << ")";
  }
}

TEST(CpuKernels, TanhGeluAndTanhMatchLibm) {
  auto values = evenly_spaced(-9.0f, 9.0f, 1001);
  auto gelu = values;
  auto tanh = values;
  gelu_tanh(gelu.data(), gelu.size());
  tanh_in_place(tanh.data(), tanh.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double x = values[i];
    const double inner = std::sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x);
    ASSERT_NEAR(gelu[i], 0.5 * x * (1.0 + std::tanh(inner)), 1e-6 * std::max(1.0, std::abs(x)));
    ASSERT_NEAR(tanh[i], std::tanh(x), 1e-6);
  }
}

TEST(CpuKernels, SoftmaxMatchesADoubleReferenceAndSumsToOne) {
  std::mt19937 random(7);
  std::normal_distribution<float> normal(0.0f, 6.0f);
  for (std::size_t count : {1u, 7u, 8u, 9u, 513u}) {
    std::vector<float> row(count);
    for (auto& value : row) value = normal(random);
    const auto inputs = row;
    softmax(row.data(), row.size());
    double top = -1e300, sum = 0, total = 0;
    for (float value : inputs) top = std::max<double>(top, value);
    for (float value : inputs) sum += std::exp(value - top);
    for (std::size_t i = 0; i < count; ++i) {
      ASSERT_NEAR(row[i], std::exp(inputs[i] - top) / sum, 1e-6) << count;
      total += row[i];
    }
    EXPECT_NEAR(total, 1.0, 1e-5);
  }
}

TEST(CpuKernels, AddAndLayerNormMatchesAPlainComputation) {
  const std::size_t rows = 3, width = 37;
  std::mt19937 random(3);
  std::normal_distribution<float> normal(0.0f, 4.0f);
  std::vector<float> x(rows * width), residual(rows * width), gamma(width), beta(width);
  for (auto* vector : {&x, &residual, &gamma, &beta}) {
    for (auto& value : *vector) value = normal(random);
  }
  auto out = x;
  add_and_layer_norm(out.data(), residual.data(), rows, width, gamma.data(), beta.data(), 1e-7f);
  for (std::size_t r = 0; r < rows; ++r) {
    double mean = 0, variance = 0;
    for (std::size_t i = 0; i < width; ++i) mean += x[r * width + i] + residual[r * width + i];
    mean /= width;
    for (std::size_t i = 0; i < width; ++i) {
      const double centred = x[r * width + i] + residual[r * width + i] - mean;
      variance += centred * centred;
    }
    variance /= width;
    for (std::size_t i = 0; i < width; ++i) {
      const double expected = (x[r * width + i] + residual[r * width + i] - mean) /
                                  std::sqrt(variance + 1e-7) * gamma[i] +
                              beta[i];
      ASSERT_NEAR(out[r * width + i], expected, 1e-5 * std::max(1.0, std::abs(expected)));
    }
  }
}

TEST(CpuKernels, GatherAndTransposedAddFollowTheirIndices) {
  const std::vector<float> source{10, 11, 12, 13, 14};
  const std::vector<int> index{4, 0, 0, 2};
  std::vector<float> gathered(4);
  gather(gathered.data(), source.data(), index.data(), index.size());
  EXPECT_EQ(gathered, (std::vector<float>{14, 10, 10, 12}));
  std::vector<float> row{1, 1, 1, 1};
  add_gathered(row.data(), source.data(), index.data(), index.size());
  EXPECT_EQ(row, (std::vector<float>{15, 11, 11, 13}));

  // Sizes that are not multiples of the 32-wide tiles, and strides wider than the block.
  const std::size_t rows = 45, columns = 70, target_stride = 73, source_stride = 50;
  std::vector<float> target(rows * target_stride), block(columns * source_stride);
  for (std::size_t i = 0; i < target.size(); ++i) target[i] = static_cast<float>(i);
  for (std::size_t i = 0; i < block.size(); ++i) block[i] = static_cast<float>(i) * 0.5f;
  auto expected = target;
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t j = 0; j < columns; ++j) {
      expected[i * target_stride + j] += block[j * source_stride + i];
    }
  }
  add_transposed(target.data(), target_stride, block.data(), source_stride, rows, columns);
  EXPECT_EQ(target, expected);
}

}  // namespace
}  // namespace openclawd::defender::kernels
