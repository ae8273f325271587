// A main() for the fuzz targets when libFuzzer is not there (GCC, the
// normal and sanitizer builds): runs LLVMFuzzerTestOneInput once on every
// file named on the command line, directories read recursively. ctest uses
// it to replay fuzz/corpus/<target>/ and fuzz/crashes/<target>/, so every
// input that once crashed stays a regression test in every build.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

void replay(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::vector<char> bytes{std::istreambuf_iterator<char>(in),
                                std::istreambuf_iterator<char>()};
  // An empty vector's data() may be null; libFuzzer never passes null.
  const std::uint8_t dummy = 0;
  LLVMFuzzerTestOneInput(
      bytes.empty() ? &dummy : reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

} // namespace

int main(int argc, char** argv) {
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path arg(argv[i]);
    if (std::filesystem::is_directory(arg)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(arg)) {
        if (entry.is_regular_file()) {
          files.push_back(entry.path());
        }
      }
    } else if (std::filesystem::exists(arg)) {
      files.push_back(arg);
    } else {
      std::fprintf(stderr, "%s: no such file or directory\n", argv[i]);
      return 1;
    }
  }
  std::sort(files.begin(), files.end());
  for (const std::filesystem::path& file : files) {
    replay(file);
  }
  std::printf("replayed %zu inputs\n", files.size());
  return 0;
}
