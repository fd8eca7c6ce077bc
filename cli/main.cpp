#include "hourglass/runtime.hpp"
#include "run.hpp"

int main(int argc, char** argv) {
  hourglass::keep_freed_memory();  // per-batch tensors without page faults (runtime.hpp)
  return hourglass::cli::run(argc, argv);
}
