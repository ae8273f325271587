// What surrounds the variable in one %-field of a template, as Dovecot
// 2.3.19's var_expand_with_funcs (src/lib/var-expand.c) reads and applies
// it: %[-][0]digits[.[0][-]digits]modifiers(key|{long key}). Here are the
// offset, width and zero padding, the modifier letters L U E X R H N M D T
// (var-expand.c: modifiers[]), the '}' that closes a long key, and how the
// offset and width cut or pad the value. The Expander (expand.cpp) finds
// the variable's value in between.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace loginref {

// Modifiers (var-expand.c: modifiers[]). They see the per-field offset and
// width because H and N consume them.
struct FieldFormat {
  int offset = 0;
  int width = 0;
  bool zero_padding = false;
  bool over_limit = false; // loginref: a padding request beyond k_max_padding (65536)
};

// One modifier letter's function: the value it makes of `value`.
using Modifier = std::string (*)(std::string_view, FieldFormat&);

// The offset/width part of the field at `pos` in `text` (just after the
// '%'); moves `pos` past it.
FieldFormat parse_format(std::string_view text, std::size_t& pos);

// The modifier letters at `pos`, in order (at most ten); moves `pos` past
// them.
std::vector<Modifier> parse_modifiers(std::string_view text, std::size_t& pos);

// Finds the '}' closing the '{' at `open`, counting nested braces and
// skipping backslash-escaped characters. Returns text.size() if there is
// none: Dovecot then takes the rest of the string as the key.
std::size_t find_closing_brace(std::string_view text, std::size_t open);

// Appends `value` to `dest`, cut or padded by `format`'s offset and width.
// Sets format.over_limit instead of padding beyond loginref's limit.
void append_with_format(std::string& dest, std::string_view value, FieldFormat& format);

} // namespace loginref
