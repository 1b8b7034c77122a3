#pragma once
// The element-wise steps of the DeBERTa forward pass (everything that is not a
// matrix product): exp, GELU, softmax, residual + LayerNorm, and the gathers of
// disentangled attention. Written as plain loops the compiler vectorises, and
// built twice (AVX2+FMA and baseline x86-64) with the CPU choosing at load time,
// so the binary still runs everywhere. exp and erf are polynomial approximations
// (relative error ~1e-7, like float itself) because the libm calls do not
// vectorise and took a fifth of the pass.

#include <cstddef>

namespace openclawd::defender::kernels {

// x[i] = exp(x[i]).
void exp_in_place(float* x, std::size_t count);

// x[i] = 0.5 x (1 + erf(x / sqrt 2)): transformers' "gelu".
void gelu_erf(float* x, std::size_t count);
// x[i] = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))): "gelu_new".
void gelu_tanh(float* x, std::size_t count);
void tanh_in_place(float* x, std::size_t count);
void relu(float* x, std::size_t count);

// row = softmax(row), stable (the row's maximum subtracted first).
void softmax(float* row, std::size_t count);

// x = LayerNorm(x + residual) row by row (residual may be null).
void add_and_layer_norm(float* x, const float* residual, std::size_t rows, std::size_t width,
                        const float* gamma, const float* beta, float epsilon);

// out[j] = source[index[j]] and row[j] += source[index[j]], for j < count.
void gather(float* out, const float* source, const int* index, std::size_t count);
void add_gathered(float* row, const float* source, const int* index, std::size_t count);

// target[i * target_stride + j] += source[j * source_stride + i] for i < rows,
// j < columns: adds a transposed block, tile by tile so both sides stay in cache.
void add_transposed(float* target, std::size_t target_stride, const float* source,
                    std::size_t source_stride, std::size_t rows, std::size_t columns);

}  // namespace openclawd::defender::kernels
