// The database schema as an ordered list of migrations; PRAGMA user_version counts those
// applied. Append only: a released migration never changes.
#pragma once

#include <string_view>
#include <vector>

namespace evoke::store::sqlite {

const std::vector<std::string_view>& SchemaMigrations();

}  // namespace evoke::store::sqlite
