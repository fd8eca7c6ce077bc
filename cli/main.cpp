#include "run.hpp"

int main(int argc, char** argv) { return hourglass::cli::run(argc, argv); }
