// Leaf Verilog templates (templates/*.v), compiled into the tool so a generated design never
// depends on where the tool runs. A template holds no architecture decision: its {{KEY}}
// placeholders are filled with sizes and names.
#pragma once

#include <map>
#include <string>

namespace zasgen::rtl {

// The text of templates/<name>.v; throws std::logic_error for an unknown name.
const char* template_text(const std::string& name);

// Replaces every {{KEY}} by its value; throws std::logic_error when a placeholder is left.
std::string fill_template(std::string text, const std::map<std::string, std::string>& values);

}  // namespace zasgen::rtl
