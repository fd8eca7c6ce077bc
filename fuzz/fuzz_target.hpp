// The shape of every fuzz target: a parser either reads the bytes or throws
// hourglass::Error; every other outcome is a finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hourglass/error.hpp"

#define HOURGLASS_FUZZ_TARGET(parse)                                                 \
  extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {         \
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);         \
    try {                                                                            \
      parse(bytes);                                                                  \
    } catch (const hourglass::Error&) {                                              \
    }                                                                                \
    return 0;                                                                        \
  }
