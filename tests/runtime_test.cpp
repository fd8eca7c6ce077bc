#include "hourglass/runtime.hpp"

#include <gtest/gtest.h>

#include "hourglass/error.hpp"

namespace hourglass {
namespace {

TEST(Runtime, ThreadsAreSetAndValidated) {
  set_threads(2);
  init_runtime();  // keeps the user's choice
  EXPECT_EQ(threads(), 2);
  EXPECT_THROW(set_threads(0), InvalidArgument);
}

TEST(Runtime, BlasIsNotTheSlowReferenceOne) {
  // scripts/install-deps.sh installs OpenBLAS; the reference BLAS trains ~10x slower.
  EXPECT_EQ(blas_name().rfind("reference BLAS", 0), std::string::npos) << blas_name();
}

}  // namespace
}  // namespace hourglass
