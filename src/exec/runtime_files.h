// The bootstrap files of evoke's runtimes (runtimes/python, runtimes/node), built into the
// binary by cmake/embed_runtime_files.cmake so that evoke stays one file.
#pragma once

#include <span>
#include <string_view>

namespace evoke::exec {

struct EmbeddedFile {
  std::string_view path;     // relative, e.g. "python/bootstrap.py"
  std::string_view content;
};

std::span<const EmbeddedFile> EmbeddedRuntimeFiles();

}  // namespace evoke::exec
