// Reads variants/manifest.json into plain structs; every defect is a UsageError.
#include "run/manifest.hpp"

#include <fmt/core.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "util/file_util.hpp"

namespace racelab {

std::string_view Name(OracleKind k) {
  switch (k) {
    case OracleKind::kSumSequence: return "sum-sequence";
    case OracleKind::kRiemann: return "riemann";
    case OracleKind::kExitStatus: return "exit-status";
  }
  return "?";
}

std::optional<OracleKind> ParseOracleKind(std::string_view s) {
  for (OracleKind k : {OracleKind::kSumSequence, OracleKind::kRiemann, OracleKind::kExitStatus})
    if (Name(k) == s) return k;
  return std::nullopt;
}

std::string_view Name(Build b) {
  switch (b) {
    case Build::kPlain: return "plain";
    case Build::kTsan: return "tsan";
  }
  return "?";
}

const Variant* Manifest::Find(std::string_view id) const {
  for (const Variant& v : variants)
    if (v.id == id) return &v;
  return nullptr;
}

namespace {

using nlohmann::json;

class FieldError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

const json& Field(const json& obj, const char* name, const std::string& where) {
  auto it = obj.find(name);
  if (it == obj.end()) throw FieldError(fmt::format("{}: missing field '{}'", where, name));
  return *it;
}

std::string Str(const json& obj, const char* name, const std::string& where) {
  const json& f = Field(obj, name, where);
  if (!f.is_string()) throw FieldError(fmt::format("{}: '{}' must be a string", where, name));
  return f.get<std::string>();
}

std::uint64_t Count(const json& obj, const char* name, const std::string& where, bool positive) {
  const json& f = Field(obj, name, where);
  if (!f.is_number_unsigned() || (positive && f.get<std::uint64_t>() == 0))
    throw FieldError(fmt::format("{}: '{}' must be a {} integer", where, name,
                                 positive ? "positive" : "non-negative"));
  return f.get<std::uint64_t>();
}

double Num(const json& obj, const char* name, const std::string& where) {
  const json& f = Field(obj, name, where);
  if (!f.is_number()) throw FieldError(fmt::format("{}: '{}' must be a number", where, name));
  return f.get<double>();
}

Variant ParseVariant(const json& j, const std::string& origin, std::size_t index) {
  std::string where = fmt::format("{}: variants[{}]", origin, index);
  if (!j.is_object()) throw FieldError(where + ": must be an object");
  Variant v;
  v.id = Str(j, "id", where);
  where = fmt::format("{}: variant '{}'", origin, v.id);
  if (v.id.empty() || v.id.find('/') != std::string::npos)
    throw FieldError(where + ": 'id' must be a non-empty name without '/'");
  // The tutorial's problem and section: racelab's own specimens only.
  if (j.contains("problem")) v.problem = static_cast<int>(Count(j, "problem", where, true));
  if (j.contains("section")) v.section = Str(j, "section", where);
  v.title = Str(j, "title", where);
  v.source = Str(j, "source", where);
  const std::string kind = Str(j, "kind", where);
  if (kind != "correctness" && kind != "timing")
    throw FieldError(where + ": 'kind' must be \"correctness\" or \"timing\"");
  v.timing = kind == "timing";
  const std::string oracle = Str(j, "oracle", where);
  auto ok = ParseOracleKind(oracle);
  if (!ok) throw FieldError(fmt::format("{}: unknown oracle '{}'", where, oracle));
  v.oracle = *ok;
  v.iterations = Count(j, "iterations", where, true);
  v.threads = Count(j, "threads", where, false);
  v.check_iterations = Count(j, "check_iterations", where, true);
  v.default_fuzz = Str(j, "default_fuzz", where);
  if (v.oracle == OracleKind::kRiemann) {
    v.exact = Num(j, "exact", where);
    v.tolerance = Num(j, "tolerance", where);
    if (!(v.tolerance > 0)) throw FieldError(where + ": 'tolerance' must be positive");
  }
  v.verdict = Str(j, "verdict", where);
  if (auto it = j.find("expected_fuzz"); it != j.end() && it->is_string())
    v.expected_fuzz = it->get<std::string>();
  if (auto it = j.find("expected"); it != j.end()) {
    if (!it->is_object()) throw FieldError(where + ": 'expected' must be an object");
    for (Build b : {Build::kPlain, Build::kTsan}) {
      auto bt = it->find(std::string(Name(b)));
      if (bt == it->end()) continue;
      if (!bt->is_object())
        throw FieldError(fmt::format("{}: expected.{} must be an object", where, Name(b)));
      for (auto& [name, value] : bt->items()) {
        auto cls = ParseFailureClass(name);
        if (!cls)
          throw FieldError(
              fmt::format("{}: expected.{}: unknown class '{}'", where, Name(b), name));
        ExpectedClass e{*cls, 0, 0};
        if (value.is_number()) {
          e.rate = value.get<double>();
        } else if (value.is_object()) {
          e.rate = Num(value, "rate", where);
          e.measured_runs = Count(value, "runs", where, false);
        } else {
          throw FieldError(fmt::format("{}: expected.{}.{} must be a rate", where, Name(b), name));
        }
        if (!(e.rate > 0 && e.rate <= 1))
          throw FieldError(
              fmt::format("{}: expected.{}.{}: rate must be in (0, 1]", where, Name(b), name));
        v.expected[b].push_back(e);
      }
    }
  }
  if (auto it = j.find("tolerated"); it != j.end()) {
    if (!it->is_object()) throw FieldError(where + ": 'tolerated' must be an object");
    for (Build b : {Build::kPlain, Build::kTsan}) {
      auto bt = it->find(std::string(Name(b)));
      if (bt == it->end()) continue;
      if (!bt->is_array())
        throw FieldError(fmt::format("{}: tolerated.{} must be an array", where, Name(b)));
      for (const json& name : *bt) {
        auto cls = name.is_string() ? ParseFailureClass(name.get<std::string>()) : std::nullopt;
        if (!cls)
          throw FieldError(
              fmt::format("{}: tolerated.{}: unknown class {}", where, Name(b), name.dump()));
        v.tolerated[b].push_back(*cls);
      }
    }
  }
  return v;
}

}  // namespace

Result<Manifest> ParseManifest(const std::string& text, const std::string& origin) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    return UsageError{fmt::format("{}: not valid JSON (byte {})", origin, e.byte)};
  } catch (const json::exception& e) {
    // A number too large for a double ("1e99999") is out_of_range, not parse_error.
    return UsageError{fmt::format("{}: not valid JSON ({})", origin, e.what())};
  }
  try {
    if (!doc.is_object()) throw FieldError(origin + ": must be a JSON object");
    const std::string schema = Str(doc, "schema", origin);
    if (schema != "racelab.manifest/1")
      throw FieldError(
          fmt::format("{}: unknown schema '{}' (expected racelab.manifest/1)", origin, schema));
    const json& vs = Field(doc, "variants", origin);
    if (!vs.is_array()) throw FieldError(origin + ": 'variants' must be an array");
    Manifest m;
    m.path = origin;
    if (doc.contains("source_root")) m.source_root = Str(doc, "source_root", origin);
    for (std::size_t i = 0; i < vs.size(); ++i) {
      Variant v = ParseVariant(vs[i], origin, i);
      if (m.Find(v.id)) throw FieldError(fmt::format("{}: duplicate id '{}'", origin, v.id));
      m.variants.push_back(std::move(v));
    }
    return m;
  } catch (const FieldError& e) {
    return UsageError{e.what()};
  } catch (const json::exception& e) {
    return UsageError{fmt::format("{}: {}", origin, e.what())};
  }
}

Result<Manifest> LoadManifest(const std::string& path) {
  auto text = ReadTextFile(path, 16u << 20);
  if (!text) return text.error();
  return ParseManifest(*text, path);
}

}  // namespace racelab
