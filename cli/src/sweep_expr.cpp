#include "zasgen/app/sweep_expr.h"

#include <cctype>
#include <cmath>

#include <fmt/format.h>

#include "zasgen/schema.h"

namespace zasgen::app {

using json = nlohmann::ordered_json;

namespace {

struct Token {
  enum Kind { End, Number, String, Word, Op } kind = End;
  std::string text;
  json value;
  int offset = 0;
};

bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}

// Every leaf key of the schema, for "did you mean".
std::vector<std::string> leaf_keys() {
  std::vector<std::string> keys;
  for (const ParamSpec& p : config_schema())
    if (p.type != ParamType::Section) keys.push_back(p.path);
  return keys;
}

}  // namespace

class ExprParser {
 public:
  ExprParser(const std::string& text, Expr& e) : text_(text), e_(e) {}

  bool run(Expr::Problem* problem) {
    try {
      lex();
      e_.root_ = parse_or();
      if (peek().kind != Token::End) fail(peek().offset, "unexpected '" + peek().text + "'");
      return true;
    } catch (const Expr::Problem& p) {
      if (problem) *problem = p;
      return false;
    }
  }

 private:
  [[noreturn]] void fail(int offset, std::string what) {
    throw Expr::Problem{DiagCode::ConstraintSyntax, offset, {std::move(what)}};
  }

  void lex() {
    std::size_t i = 0;
    const std::string& t = text_;
    while (true) {
      while (i < t.size() && std::isspace(static_cast<unsigned char>(t[i]))) ++i;
      Token tok;
      tok.offset = int(i);
      if (i >= t.size()) {
        tok.text = "end of the expression";
        toks_.push_back(tok);
        return;
      }
      const char c = t[i];
      if (std::isdigit(static_cast<unsigned char>(c)) ||
          (c == '.' && i + 1 < t.size() && std::isdigit(static_cast<unsigned char>(t[i + 1])))) {
        std::size_t j = i;
        bool fraction = false;
        while (j < t.size() && (std::isdigit(static_cast<unsigned char>(t[j])) || t[j] == '.')) {
          fraction |= t[j] == '.';
          ++j;
        }
        if (j < t.size() && (t[j] == 'e' || t[j] == 'E')) {
          std::size_t k = j + 1;
          if (k < t.size() && (t[k] == '+' || t[k] == '-')) ++k;
          if (k < t.size() && std::isdigit(static_cast<unsigned char>(t[k]))) {
            fraction = true;
            j = k;
            while (j < t.size() && std::isdigit(static_cast<unsigned char>(t[j]))) ++j;
          }
        }
        tok.kind = Token::Number;
        tok.text = t.substr(i, j - i);
        try {
          std::size_t used = 0;
          if (fraction)
            tok.value = std::stod(tok.text, &used);
          else
            tok.value = std::stoll(tok.text, &used);
          if (used != tok.text.size()) fail(tok.offset, "'" + tok.text + "' is not a number");
        } catch (const std::logic_error&) {
          fail(tok.offset, "'" + tok.text + "' is not a number");
        }
        i = j;
      } else if (c == '\'' || c == '"') {
        const std::size_t close = t.find(c, i + 1);
        if (close == std::string::npos) fail(tok.offset, "this quote is never closed");
        tok.kind = Token::String;
        tok.text = t.substr(i, close + 1 - i);
        tok.value = t.substr(i + 1, close - i - 1);
        i = close + 1;
      } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        std::size_t j = i;
        while (j < t.size() && word_char(t[j])) ++j;
        tok.kind = Token::Word;
        tok.text = t.substr(i, j - i);
        i = j;
      } else {
        static const char* const two[] = {"==", "!=", "<=", ">="};
        tok.kind = Token::Op;
        for (const char* op : two)
          if (t.compare(i, 2, op) == 0) tok.text = op;
        if (tok.text.empty()) {
          if (std::string("<>+-*/%()[],").find(c) == std::string::npos)
            fail(tok.offset, fmt::format("unexpected character '{}'", c));
          tok.text = std::string(1, c);
        }
        i += tok.text.size();
      }
      toks_.push_back(tok);
    }
  }

  const Token& peek() const { return toks_[pos_]; }
  bool is_op(const char* op) const { return peek().kind == Token::Op && peek().text == op; }
  bool is_word(const char* w) const { return peek().kind == Token::Word && peek().text == w; }
  void expect_op(const char* op) {
    if (!is_op(op)) fail(peek().offset, fmt::format("expected '{}' before {}", op, where()));
    ++pos_;
  }
  std::string where() const {
    return peek().kind == Token::End ? peek().text : "'" + peek().text + "'";
  }

  int add(Expr::Node n) {
    e_.nodes_.push_back(std::move(n));
    return int(e_.nodes_.size()) - 1;
  }
  int binary(const std::string& op, int a, int b, int offset) {
    Expr::Node n;
    n.kind = Expr::Node::Binary;
    n.op = op;
    n.kids = {a, b};
    n.offset = offset;
    return add(std::move(n));
  }

  int parse_or() {
    int a = parse_and();
    while (is_word("or")) {
      const int at = peek().offset;
      ++pos_;
      a = binary("or", a, parse_and(), at);
    }
    return a;
  }
  int parse_and() {
    int a = parse_not();
    while (is_word("and")) {
      const int at = peek().offset;
      ++pos_;
      a = binary("and", a, parse_not(), at);
    }
    return a;
  }
  int parse_not() {
    if (is_word("not")) {
      Expr::Node n;
      n.kind = Expr::Node::Not;
      n.offset = peek().offset;
      ++pos_;
      n.kids = {parse_not()};
      return add(std::move(n));
    }
    return parse_cmp();
  }
  int parse_cmp() {
    const int a = parse_sum();
    static const char* const ops[] = {"==", "!=", "<=", ">=", "<", ">"};
    for (const char* op : ops)
      if (is_op(op)) {
        const int at = peek().offset;
        ++pos_;
        return binary(op, a, parse_sum(), at);
      }
    if (is_word("in")) {
      const int at = peek().offset;
      ++pos_;
      return binary("in", a, parse_sum(), at);
    }
    if (is_word("not") && pos_ + 1 < toks_.size() && toks_[pos_ + 1].kind == Token::Word &&
        toks_[pos_ + 1].text == "in") {
      const int at = peek().offset;
      pos_ += 2;
      return binary("!in", a, parse_sum(), at);
    }
    return a;
  }
  int parse_sum() {
    int a = parse_prod();
    while (is_op("+") || is_op("-")) {
      const std::string op = peek().text;
      const int at = peek().offset;
      ++pos_;
      a = binary(op, a, parse_prod(), at);
    }
    return a;
  }
  int parse_prod() {
    int a = parse_unary();
    while (is_op("*") || is_op("/") || is_op("%")) {
      const std::string op = peek().text;
      const int at = peek().offset;
      ++pos_;
      a = binary(op, a, parse_unary(), at);
    }
    return a;
  }
  int parse_unary() {
    if (is_op("-")) {
      Expr::Node n;
      n.kind = Expr::Node::Neg;
      n.offset = peek().offset;
      ++pos_;
      n.kids = {parse_unary()};
      return add(std::move(n));
    }
    return parse_atom();
  }
  int parse_atom() {
    const Token tok = peek();
    Expr::Node n;
    n.offset = tok.offset;
    switch (tok.kind) {
      case Token::Number:
      case Token::String:
        ++pos_;
        n.value = tok.value;
        return add(std::move(n));
      case Token::Word: {
        static const char* const reserved[] = {"and", "or", "not", "in"};
        for (const char* r : reserved)
          if (tok.text == r) fail(tok.offset, "expected a value before '" + tok.text + "'");
        ++pos_;
        if (tok.text == "true" || tok.text == "false") {
          n.value = tok.text == "true";
          return add(std::move(n));
        }
        const ParamSpec* spec = find_param(tok.text);
        const bool is_key = spec && spec->type != ParamType::Section;
        if (tok.text.find('.') != std::string::npos && !is_key)
          throw Expr::Problem{DiagCode::ConstraintUnknownKey,
                              tok.offset,
                              {tok.text, closest_name(tok.text, leaf_keys())}};
        if (is_key) {
          n.kind = Expr::Node::Key;
          n.key = tok.text;
          e_.keys_.push_back({tok.text, tok.offset});
        } else {
          n.value = tok.text;
        }
        return add(std::move(n));
      }
      case Token::Op:
        if (tok.text == "(") {
          ++pos_;
          const int inner = parse_or();
          expect_op(")");
          return inner;
        }
        if (tok.text == "[") {
          ++pos_;
          n.kind = Expr::Node::List;
          if (!is_op("]")) {
            n.kids.push_back(parse_or());
            while (is_op(",")) {
              ++pos_;
              n.kids.push_back(parse_or());
            }
          }
          expect_op("]");
          return add(std::move(n));
        }
        break;
      case Token::End:
        break;
    }
    fail(tok.offset, "expected a value, got " + where());
  }

  const std::string& text_;
  Expr& e_;
  std::vector<Token> toks_;
  std::size_t pos_ = 0;
};

std::optional<Expr> Expr::parse(const std::string& text, Problem* problem) {
  Expr e;
  ExprParser p(text, e);
  if (!p.run(problem)) return std::nullopt;
  return e;
}

std::string Expr::describe(const json& v) {
  if (v.is_string()) return "'" + v.get<std::string>() + "'";
  if (v.is_array()) {
    std::string s = "[";
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + describe(v[i]);
    return s + "]";
  }
  return v.dump();
}

namespace {

const char* type_name(const json& v) {
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_array()) return "a list";
  return "nothing";
}

// Equality with numbers compared by value (4 == 4.0); differently typed values are a problem.
bool equal(const json& a, const json& b, int offset) {
  if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
  if (a.is_array() && b.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!equal(a[i], b[i], offset)) return false;
    return true;
  }
  if (a.type() != b.type())
    throw Expr::Problem{DiagCode::ConstraintType,
                        offset,
                        {fmt::format("compares {} {} with {} {}", type_name(a), Expr::describe(a),
                                     type_name(b), Expr::describe(b))}};
  return a == b;
}

}  // namespace

json Expr::eval(const Lookup& lookup) const {
  return eval_node(root_, lookup);
}

bool Expr::holds(const Lookup& lookup) const {
  const json v = eval(lookup);
  if (!v.is_boolean())
    throw Problem{
        DiagCode::ConstraintType,
        0,
        {fmt::format("the value is {} {}, not true or false", type_name(v), describe(v))}};
  return v.get<bool>();
}

json Expr::eval_node(int i, const Lookup& lookup) const {
  const Node& n = nodes_[std::size_t(i)];
  auto problem = [&](const std::string& what) {
    return Problem{DiagCode::ConstraintType, n.offset, {what}};
  };
  auto boolean = [&](const json& v, const char* op) {
    if (!v.is_boolean())
      throw problem(
          fmt::format("'{}' needs true or false, got {} {}", op, type_name(v), describe(v)));
    return v.get<bool>();
  };
  auto number = [&](const json& v, const std::string& op) {
    if (!v.is_number())
      throw problem(fmt::format("'{}' needs numbers, got {} {}", op, type_name(v), describe(v)));
    return v;
  };
  switch (n.kind) {
    case Node::Literal:
      return n.value;
    case Node::Key:
      return lookup(n.key);
    case Node::List: {
      json l = json::array();
      for (int k : n.kids) l.push_back(eval_node(k, lookup));
      return l;
    }
    case Node::Not:
      return !boolean(eval_node(n.kids[0], lookup), "not");
    case Node::Neg: {
      const json v = number(eval_node(n.kids[0], lookup), "-");
      return v.is_number_float() ? json(-v.get<double>()) : json(-v.get<int64_t>());
    }
    case Node::Binary:
      break;
  }
  const std::string& op = n.op;
  if (op == "or" || op == "and") {  // short-circuit
    const bool a = boolean(eval_node(n.kids[0], lookup), op.c_str());
    if (op == "or" ? a : !a) return a;
    return boolean(eval_node(n.kids[1], lookup), op.c_str());
  }
  const json a = eval_node(n.kids[0], lookup);
  const json b = eval_node(n.kids[1], lookup);
  if (op == "==") return equal(a, b, n.offset);
  if (op == "!=") return !equal(a, b, n.offset);
  if (op == "in" || op == "!in") {
    if (!b.is_array())
      throw problem(
          fmt::format("'in' needs a list on its right, got {} {}", type_name(b), describe(b)));
    bool found = false;
    for (const json& item : b) found = found || equal(a, item, n.offset);
    return op == "in" ? found : !found;
  }
  if (op == "<" || op == "<=" || op == ">" || op == ">=") {
    number(a, op);
    number(b, op);
    const double x = a.get<double>(), y = b.get<double>();
    if (op == "<") return x < y;
    if (op == "<=") return x <= y;
    if (op == ">") return x > y;
    return x >= y;
  }
  number(a, op);
  number(b, op);
  const bool ints = a.is_number_integer() && b.is_number_integer();
  if (op == "%") {
    if (!ints) throw problem("'%' needs integers");
    if (b.get<int64_t>() == 0) throw problem("'%' by zero");
    return a.get<int64_t>() % b.get<int64_t>();
  }
  if (op == "/") {
    if (b.get<double>() == 0) throw problem("division by zero");
    return a.get<double>() / b.get<double>();
  }
  if (ints) {
    const int64_t x = a.get<int64_t>(), y = b.get<int64_t>();
    if (op == "+") return x + y;
    if (op == "-") return x - y;
    return x * y;
  }
  const double x = a.get<double>(), y = b.get<double>();
  if (op == "+") return x + y;
  if (op == "-") return x - y;
  return x * y;
}

}  // namespace zasgen::app
