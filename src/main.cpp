#include "cli/app.hpp"

int main(int argc, char** argv) { return extract::run_cli(argc, argv); }
