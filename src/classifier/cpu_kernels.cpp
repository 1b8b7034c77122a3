#include "cpu_kernels.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

// Every exported kernel is cloned for x86-64-v3 (AVX2, FMA) and the baseline;
// glibc's ifunc picks one when the library loads.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define OPENCLAWD_KERNEL [[gnu::target_clones("arch=x86-64-v3", "default")]]
#else
#define OPENCLAWD_KERNEL
#endif
#define OPENCLAWD_INLINE [[gnu::always_inline]] inline

namespace openclawd::defender::kernels {
namespace {

constexpr std::size_t kLanes = 8;  // partial sums kept apart so the loops vectorise

// exp(x) as 2^n * p(r), x = n ln2 + r, |r| <= ln2 / 2, p a degree-7 Taylor
// polynomial (truncation error < 6e-9). Inputs are clamped to the float range.
OPENCLAWD_INLINE float exp_approx(float x) {
  constexpr float kLog2e = 1.44269504088896341f;
  constexpr float kLn2High = 0.693359375f;  // ln 2 split so n * kLn2High is exact
  constexpr float kLn2Low = -2.12194440e-4f;
  constexpr float kRound = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
  x = std::min(std::max(x, -87.0f), 88.0f);
  const float n = (x * kLog2e + kRound) - kRound;
  const float r = (x - n * kLn2High) - n * kLn2Low;
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const auto exponent = static_cast<std::int32_t>(n) + 127;
  return p * std::bit_cast<float>(exponent << 23);
}

// erf after Abramowitz & Stegun 7.1.26 (absolute error <= 1.5e-7).
OPENCLAWD_INLINE float erf_approx(float x) {
  const float a = std::fabs(x);
  const float t = 1.0f / (1.0f + 0.3275911f * a);
  float poly = 1.061405429f;
  poly = poly * t - 1.453152027f;
  poly = poly * t + 1.421413741f;
  poly = poly * t - 0.284496736f;
  poly = poly * t + 0.254829592f;
  const float magnitude = 1.0f - poly * t * exp_approx(-a * a);
  return std::copysign(magnitude, x);
}

OPENCLAWD_INLINE float tanh_approx(float x) {
  // 1 - 2 / (e^{2x} + 1), exact at the clamp limits (+-1).
  return 1.0f - 2.0f / (exp_approx(2.0f * x) + 1.0f);
}

}  // namespace

OPENCLAWD_KERNEL void exp_in_place(float* x, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) x[i] = exp_approx(x[i]);
}

OPENCLAWD_KERNEL void gelu_erf(float* x, std::size_t count) {
  constexpr float kInverseSqrt2 = 0.70710678118654752f;
  for (std::size_t i = 0; i < count; ++i)
    x[i] = 0.5f * x[i] * (1.0f + erf_approx(x[i] * kInverseSqrt2));
}

OPENCLAWD_KERNEL void gelu_tanh(float* x, std::size_t count) {
  constexpr float kSqrt2OverPi = 0.79788456080286536f;
  for (std::size_t i = 0; i < count; ++i) {
    const float v = x[i];
    x[i] = 0.5f * v * (1.0f + tanh_approx(kSqrt2OverPi * (v + 0.044715f * v * v * v)));
  }
}

OPENCLAWD_KERNEL void tanh_in_place(float* x, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) x[i] = tanh_approx(x[i]);
}

OPENCLAWD_KERNEL void relu(float* x, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) x[i] = std::max(x[i], 0.0f);
}

OPENCLAWD_KERNEL void softmax(float* row, std::size_t count) {
  if (count == 0) return;
  float top = row[0];
  for (std::size_t i = 1; i < count; ++i) top = row[i] > top ? row[i] : top;
  for (std::size_t i = 0; i < count; ++i) row[i] = exp_approx(row[i] - top);
  float lanes[kLanes] = {};
  std::size_t i = 0;
  for (; i + kLanes <= count; i += kLanes) {
    for (std::size_t lane = 0; lane < kLanes; ++lane) lanes[lane] += row[i + lane];
  }
  float sum = 0.0f;
  for (; i < count; ++i) sum += row[i];
  for (float lane : lanes) sum += lane;
  const float inverse = 1.0f / sum;
  for (std::size_t j = 0; j < count; ++j) row[j] *= inverse;
}

OPENCLAWD_KERNEL void add_and_layer_norm(float* x, const float* residual, std::size_t rows,
                                         std::size_t width, const float* gamma, const float* beta,
                                         float epsilon) {
  for (std::size_t r = 0; r < rows; ++r) {
    float* row = x + r * width;
    if (residual != nullptr) {
      const float* add = residual + r * width;
      for (std::size_t i = 0; i < width; ++i) row[i] += add[i];
    }
    // Sums in double: a 3072-wide row of large activations loses digits in float.
    double lanes[kLanes] = {};
    std::size_t i = 0;
    for (; i + kLanes <= width; i += kLanes) {
      for (std::size_t lane = 0; lane < kLanes; ++lane) lanes[lane] += row[i + lane];
    }
    double sum = 0;
    for (; i < width; ++i) sum += row[i];
    for (double lane : lanes) sum += lane;
    const double mean = sum / static_cast<double>(width);
    double squares[kLanes] = {};
    i = 0;
    for (; i + kLanes <= width; i += kLanes) {
      for (std::size_t lane = 0; lane < kLanes; ++lane) {
        const double centred = row[i + lane] - mean;
        squares[lane] += centred * centred;
      }
    }
    double variance = 0;
    for (; i < width; ++i) variance += (row[i] - mean) * (row[i] - mean);
    for (double lane : squares) variance += lane;
    variance /= static_cast<double>(width);
    const auto scale = static_cast<float>(1.0 / std::sqrt(variance + epsilon));
    const auto centre = static_cast<float>(mean);
    for (std::size_t j = 0; j < width; ++j) row[j] = (row[j] - centre) * scale * gamma[j] + beta[j];
  }
}

OPENCLAWD_KERNEL void gather(float* out, const float* source, const int* index, std::size_t count) {
  for (std::size_t j = 0; j < count; ++j) out[j] = source[index[j]];
}

OPENCLAWD_KERNEL void add_gathered(float* row, const float* source, const int* index,
                                   std::size_t count) {
  for (std::size_t j = 0; j < count; ++j) row[j] += source[index[j]];
}

OPENCLAWD_KERNEL void add_transposed(float* target, std::size_t target_stride, const float* source,
                                     std::size_t source_stride, std::size_t rows,
                                     std::size_t columns) {
  constexpr std::size_t kTile = 32;
  for (std::size_t i0 = 0; i0 < rows; i0 += kTile) {
    const std::size_t i_end = std::min(rows, i0 + kTile);
    for (std::size_t j0 = 0; j0 < columns; j0 += kTile) {
      const std::size_t j_end = std::min(columns, j0 + kTile);
      for (std::size_t i = i0; i < i_end; ++i) {
        float* out = target + i * target_stride;
        for (std::size_t j = j0; j < j_end; ++j) out[j] += source[j * source_stride + i];
      }
    }
  }
}

}  // namespace openclawd::defender::kernels
