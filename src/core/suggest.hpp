// "Did you mean ...?" suggestions for misspelt names (ninja's SpellcheckString).
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace loginref {

// Returns the candidate closest to `word` by edit distance, if it is close
// enough to be a plausible typo (distance <= 2, or <= 3 for long words).
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "" when nothing is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

} // namespace loginref
