// TempStore: the embedded store (SQLite beside a file blob store) in a fresh temporary
// directory, for unit tests; the directory goes with the object. Close() and Open() again keep
// the directory, to test what survives a restart.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/ids.h"
#include "base/result.h"
#include "store/files/file_blob_store.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

namespace evoke::store::sqlite {

class TempStore {
 public:
  // `tag` names the directory ("evoke-<tag>-<random>"); `clock` must outlive the store.
  TempStore(const Clock& clock, std::string_view tag)
      : clock_(clock),
        dir_(std::filesystem::temp_directory_path() /
             ("evoke-" + std::string(tag) + "-" + RandomHex(6))) {
    std::filesystem::create_directories(dir_);
  }
  ~TempStore() {
    Close();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  TempStore(const TempStore&) = delete;
  TempStore& operator=(const TempStore&) = delete;

  // Opens (or opens again) the store in the directory.
  Status Open() {
    blobs_ = std::make_unique<files::FileBlobStore>((dir_ / "blobs").string());
    if (Status s = blobs_->Init(); !s.ok()) return s;
    auto opened = SqliteStore::Open((dir_ / "evoke.db").string(), *blobs_, clock_);
    if (!opened.ok()) return std::move(opened).error();
    store_ = std::move(*opened);
    return {};
  }
  // Finishes what is queued and closes the store; the directory stays.
  void Close() {
    store_.reset();
    blobs_.reset();
  }

  Store view() { return store_->view(); }
  SqliteStore& sqlite() { return *store_; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  const Clock& clock_;
  std::filesystem::path dir_;
  std::unique_ptr<files::FileBlobStore> blobs_;
  std::unique_ptr<SqliteStore> store_;
};

}  // namespace evoke::store::sqlite
