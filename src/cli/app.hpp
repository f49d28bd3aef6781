// The command-line interface: parses arguments and wires the library together.
#pragma once

namespace extract {

// Runs `extract` with the given arguments; returns the exit status
// (0 success, 1 rule problems found by `rules check`/`rules test`,
// 2 usage errors, unreadable inputs or rules that fail to load).
int run_cli(int argc, char** argv);

}  // namespace extract
