// Users, their access keys and tags; groups and their members. Every change is one job that
// reads what it changes inside its transaction, so two requests never interleave halfway.
#include <algorithm>

#include "base/ids.h"
#include "iam/iam_actions.h"

namespace evoke::iam {
namespace {

using nlohmann::json;

constexpr size_t kMaxAccessKeysPerUser = 2;
constexpr size_t kMaxGroupsPerUser = 10;
// Every entity of a kind, for listings (IAM's quotas keep accounts to thousands).
constexpr size_t kAll = 100'000;

bool HasPrefix(const std::string& path, const std::string& prefix) {
  return path.starts_with(prefix);
}

Error AccessKeyNotFound(std::string_view id) {
  return MakeError("NoSuchEntity",
                   "The Access Key with id " + std::string(id) + " cannot be found.");
}

Result<std::string> AccessKeyIdMember(const json& in) {
  auto id = RequiredString(in, "AccessKeyId");
  if (!id.ok()) return id;
  if (id->size() < 16 || id->size() > 128) {
    return ValidationFailure(*id, "accessKeyId",
                             "Member must have length greater than or equal to 16");
  }
  return id;
}

// The user whose keys an operation changes: the member, or the calling user. Root's own keys
// live in DATA_DIR/credentials, not in IAM.
Result<std::string> KeyOwner(const IamContext& ctx) {
  auto user = UserNameOrCaller(ctx, "UserName");
  if (!user.ok()) return std::move(user).error();
  if (!user->has_value()) {
    return MakeError("InvalidInput",
                     "evoke keeps the root user's access keys in DATA_DIR/credentials; name the "
                     "IAM user whose keys to manage (UserName).");
  }
  return std::move(**user);
}

json KeyMetadata(const AccessKey& k) {
  return {{"UserName", k.user},
          {"AccessKeyId", k.id},
          {"Status", k.active ? "Active" : "Inactive"},
          {"CreateDate", IamTime(k.created_ms)}};
}

}  // namespace

// --- users ---

Task<Result<json>> CreateUser(IamContext& ctx) {
  auto name = RequiredName(ctx.input, "UserName", 64);
  if (!name.ok()) co_return std::move(name).error();
  auto path = PathMember(ctx.input, "Path");
  if (!path.ok()) co_return std::move(path).error();
  auto tags = TagsMember(ctx.input, "Tags");
  if (!tags.ok()) co_return std::move(tags).error();
  if (ctx.input.contains("PermissionsBoundary")) {
    co_return MakeError("InvalidInput", "evoke does not support permissions boundaries yet.");
  }
  User user;
  user.name = *name;
  user.path = *path;
  user.id = NewAwsId("AIDA", 21);
  user.created_ms = ctx.now_ms();
  user.tags = std::move(*tags);
  Status s = co_await ctx.dir.Commit([&](store::WriteTxn& t) -> Status {
    auto existing = ctx.dir.FindUser(t, user.name);
    if (!existing.ok()) return std::move(existing).error();
    if (existing->has_value()) {
      return MakeError("EntityAlreadyExists", "User with name " + user.name + " already exists.");
    }
    return ctx.dir.Put(t, user);
  });
  if (!s.ok()) co_return std::move(s).error();
  co_return json{{"User", UserJson(ctx.account(), user)}};
}

Task<Result<json>> GetUser(IamContext& ctx) {
  auto name = UserNameOrCaller(ctx, "UserName");
  if (!name.ok()) co_return std::move(name).error();
  if (!name->has_value()) {
    // The root user: IAM answers with the account's id and root ARN.
    co_return json{{"User",
                    {{"UserId", ctx.account()},
                     {"Arn", "arn:aws:iam::" + ctx.account() + ":root"},
                     {"CreateDate", IamTime(0)}}}};
  }
  auto t = ctx.dir.txns().Read();
  auto user = ctx.dir.GetUser(*t, **name);
  if (!user.ok()) co_return std::move(user).error();
  co_return json{{"User", UserJson(ctx.account(), *user)}};
}

Task<Result<json>> ListUsers(IamContext& ctx) {
  auto prefix = PathMember(ctx.input, "PathPrefix");
  if (!prefix.ok()) co_return std::move(prefix).error();
  auto page = PageMembers(ctx.input);
  if (!page.ok()) co_return std::move(page).error();
  auto t = ctx.dir.txns().Read();
  auto users = ctx.dir.ListUsers(*t, "", kAll);
  if (!users.ok()) co_return std::move(users).error();
  std::erase_if(*users, [&](const User& u) { return !HasPrefix(u.path, *prefix); });
  json out = json::object();
  RenderPage(
      *users, *page, [](const User& u) { return NameKey(u.name); },
      [&](const User& u) {
        json j = UserJson(ctx.account(), u);
        j.erase("Tags");  // ListUsers leaves tags out, as IAM does
        return j;
      },
      "Users", out);
  co_return out;
}

Task<Result<json>> UpdateUser(IamContext& ctx) {
  auto rename = RenameMembers(ctx.input, "UserName", "NewUserName", 64);
  if (!rename.ok()) co_return std::move(rename).error();
  const std::string* name = &rename->name;
  const std::optional<std::string>& new_name = rename->new_name;
  const std::optional<std::string>& new_path = rename->new_path;
  Status s = co_await ctx.dir.Commit([&](store::WriteTxn& t) -> Status {
    auto user = ctx.dir.GetUser(t, *name);
    if (!user.ok()) return std::move(user).error();
    std::string old_name = user->name;
    if (new_path) user->path = *new_path;
    if (new_name && *new_name != old_name) {
      if (NameKey(*new_name) != NameKey(old_name)) {
        auto taken = ctx.dir.FindUser(t, *new_name);
        if (!taken.ok()) return std::move(taken).error();
        if (taken->has_value()) {
          return MakeError("EntityAlreadyExists",
                           "User with name " + *new_name + " already exists.");
        }
        if (Status r = ctx.dir.Remove(t, kUser, NameKey(old_name)); !r.ok()) return r;
      }
      user->name = *new_name;
      for (const std::string& group_name : user->groups) {
        auto group = ctx.dir.GetGroup(t, group_name);
        if (!group.ok()) return std::move(group).error();
        Erase(group->members, old_name);
        group->members.push_back(*new_name);
        if (Status g = ctx.dir.Put(t, *group); !g.ok()) return g;
      }
      for (const std::string& key_id : user->access_keys) {
        auto key = ctx.dir.FindAccessKey(t, key_id);
        if (!key.ok()) return std::move(key).error();
        if (!key->has_value()) continue;
        (*key)->user = *new_name;
        if (Status k = ctx.dir.Put(t, **key); !k.ok()) return k;
      }
    }
    return ctx.dir.Put(t, *user);
  });
  if (!s.ok()) co_return std::move(s).error();
  co_return json();
}

Task<Result<json>> DeleteUser(IamContext& ctx) {
  auto name = RequiredName(ctx.input, "UserName", 128);
  if (!name.ok()) co_return std::move(name).error();
  Status s = co_await ctx.dir.Commit([&](store::WriteTxn& t) -> Status {
    auto user = ctx.dir.GetUser(t, *name);
    if (!user.ok()) return std::move(user).error();
    if (!user->access_keys.empty()) {
      return MakeError("DeleteConflict", "Cannot delete entity, must delete access keys first.");
    }
    if (!user->inline_policies.empty()) {
      return MakeError("DeleteConflict", "Cannot delete entity, must delete policies first.");
    }
    if (!user->attached.empty()) {
      return MakeError("DeleteConflict",
                       "Cannot delete entity, must detach all policies first.");
    }
    if (!user->groups.empty()) {
      return MakeError("DeleteConflict",
                       "Cannot delete entity, must remove user from group first.");
    }
    return ctx.dir.Remove(t, kUser, NameKey(user->name));
  });
  if (!s.ok()) co_return std::move(s).error();
  co_return json();
}

Task<Result<json>> TagUser(IamContext& ctx) {
  auto name = RequiredName(ctx.input, "UserName", 128);
  if (!name.ok()) co_return std::move(name).error();
  auto tags = TagsMember(ctx.input, "Tags");
  if (!tags.ok()) co_return std::move(tags).error();
  Status s = co_await ctx.dir.Commit([&](store::WriteTxn& t) -> Status {
    auto user = ctx.dir.GetUser(t, *name);
    if (!user.ok()) return std::move(user).error();
    if (Status m = MergeTags(user->tags, *tags, "TagsPerUser"); !m.ok()) return m;
    return ctx.dir.Put(t, *user);
  });
  if (!s.ok()) co_return std::move(s).error();
  co_return json();
}

Task<Result<json>> UntagUser(IamContext& ctx) {
  auto name = RequiredName(ctx.input, "UserName", 128);
  if (!name.ok()) co_return std::move(name).error();
  auto keys = TagKeysMember(ctx.input);
  if (!keys.ok()) co_return std::move(keys).error();
  Status s = co_await ctx.dir.Commit([&](store::WriteTxn& t) -> Status {
    auto user = ctx.dir.GetUser(t, *name);
    if (!user.ok()) return std::move(user).error();
    RemoveTags(user->tags, *keys);
    return ctx.dir.Put(t, *user);
  });
  if (!s.ok()) co_return std::move(s).error();
  co_return json();
}

Task<Result<json>> ListUserTags(IamContext& ctx) {
  auto name = RequiredName(ctx.input, "UserName", 128);
  if (!name.ok()) co_return std::move(name).error();
  auto t = ctx.dir.txns().Read();
  auto user = ctx.dir.GetUser(*t, *name);
  if (!user.ok()) co_return std::move(user).error();
  co_return json{{"Tags", TagsJson(user->tags)}, {"IsTruncated", false}};
}

// --- access keys ---

Task<Result<json>> CreateAccessKey(IamContext& ctx) {
  auto owner = KeyOwner(ctx);
  if (!owner.ok()) co_return std::move(owner).error();
  AccessKey key;
  key.id = NewAwsId("AKIA", 20);
  key.secret = NewSecretAccessKey();
  key.created_ms = ctx.now_ms();
  Status s = co_await ctx.dir.Commit([&](store::WriteTxn& t) -> Status {
    auto user = ctx.dir.GetUser(t, *owner);
    if (!user.ok()) return std::move(user).error();
    if (user->access_keys.size() >= kMaxAccessKeysPerUser) {
      return MakeError("LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2");
    }
    key.user = user->name;
    user->access_keys.push_back(key.id);
    if (Status u = ctx.dir.Put(t, *user); !u.ok()) return u;
    return ctx.dir.Put(t, key);
  });
  if (!s.ok()) co_return std::move(s).error();
  json out = KeyMetadata(key);
  out["SecretAccessKey"] = key.secret;
  co_return json{{"AccessKey", std::move(out)}};
}

Task<Result<json>> ListAccessKeys(IamContext& ctx) {
  auto owner = KeyOwner(ctx);
  if (!owner.ok()) co_return std::move(owner).error();
  auto page = PageMembers(ctx.input);
  if (!page.ok()) co_return std::move(page).error();
  auto t = ctx.dir.txns().Read();
  auto user = ctx.dir.GetUser(*t, *owner);
  if (!user.ok()) co_return std::move(user).error();
  std::vector<AccessKey> keys;
  for (const std::string& id : user->access_keys) {
    auto key = ctx.dir.FindAccessKey(*t, id);
    if (!key.ok()) co_return std::move(key).error();
    if (key->has_value()) keys.push_back(std::move(**key));
  }
  std::sort(keys.begin(), keys.end(),
            [](const AccessKey& a, const AccessKey& b) { return a.id < b.id; });
  json out = json::object();
  RenderPage(
      keys, *page, [](const AccessKey& k) { return k.id; }, KeyMetadata, "AccessKeyMetadata",
      out);
  co_return out;
}

Task<Result<json>> UpdateAccessKey(IamContext& ctx) {
  auto owner = KeyOwner(ctx);
  if (!owner.ok()) co_return std::move(owner).error();
  auto id = AccessKeyIdMember(ctx.input);
  if (!id.ok()) co_return std::move(id).error();
  auto status = RequiredString(ctx.input, "Status");
  if (!status.ok()) co_return std::move(status).error();
  if (*status != "Active" && *status != "Inactive") {
    co_return ValidationFailure(*status, "status",
                                "Member must satisfy enum value set: [Active, Inactive]");
  }
  Status s = co_await ctx.dir.Commit([&](store::WriteTxn& t) -> Status {
    auto key = ctx.dir.FindAccessKey(t, *id);
    if (!key.ok()) return std::move(key).error();
    if (!key->has_value() || NameKey((*key)->user) != NameKey(*owner)) {
      auto user = ctx.dir.GetUser(t, *owner);  // NoSuchEntity for the user first
      if (!user.ok()) return std::move(user).error();
      return AccessKeyNotFound(*id);
    }
    (*key)->active = *status == "Active";
    return ctx.dir.Put(t, **key);
  });
  if (!s.ok()) co_return std::move(s).error();
  co_return json();
}

Task<Result<json>> DeleteAccessKey(IamContext& ctx) {
  auto owner = KeyOwner(ctx);
  if (!owner.ok()) co_return std::move(owner).error();
  auto id = AccessKeyIdMember(ctx.input);
  if (!id.ok()) co_return std::move(id).error();
  Status s = co_await ctx.dir.Commit([&](store::WriteTxn& t) -> Status {
    auto user = ctx.dir.GetUser(t, *owner);
    if (!user.ok()) return std::move(user).error();
    auto key = ctx.dir.FindAccessKey(t, *id);
    if (!key.ok()) return std::move(key).error();
    if (!key->has_value() || NameKey((*key)->user) != NameKey(user->name)) {
      return AccessKeyNotFound(*id);
    }
    std::erase(user->access_keys, *id);
    if (Status u = ctx.dir.Put(t, *user); !u.ok()) return u;
    return ctx.dir.Remove(t, kAccessKey, *id);
  });
  if (!s.ok()) co_return std::move(s).error();
  co_return json();
}

Task<Result<json>> GetAccessKeyLastUsed(IamContext& ctx) {
  auto id = AccessKeyIdMember(ctx.input);
  if (!id.ok()) co_return std::move(id).error();
  auto t = ctx.dir.txns().Read();
  auto key = ctx.dir.FindAccessKey(*t, *id);
  if (!key.ok()) co_return std::move(key).error();
  if (!key->has_value()) co_return AccessKeyNotFound(*id);
  // evoke does not record when a key was last used.
  co_return json{{"UserName", (*key)->user},
                 {"AccessKeyLastUsed", {{"ServiceName", "N/A"}, {"Region", "N/A"}}}};
}

// --- groups ---

Task<Result<json>> CreateGroup(IamContext& ctx) {
  auto name = RequiredName(ctx.input, "GroupName", 128);
  if (!name.ok()) co_return std::move(name).error();
  auto path = PathMember(ctx.input, "Path");
  if (!path.ok()) co_return std::move(path).error();
  Group group;
  group.name = *name;
  group.path = *path;
  group.id = NewAwsId("AGPA", 21);
  group.created_ms = ctx.now_ms();
  Status s = co_await ctx.dir.Commit([&](store::WriteTxn& t) -> Status {
    auto existing = ctx.dir.FindGroup(t, group.name);
    if (!existing.ok()) return std::move(existing).error();
    if (existing->has_value()) {
      return MakeError("EntityAlreadyExists",
                       "Group with name " + group.name + " already exists.");
    }
    return ctx.dir.Put(t, group);
  });
  if (!s.ok()) co_return std::move(s).error();
  co_return json{{"Group", GroupJson(ctx.account(), group)}};
}

Task<Result<json>> GetGroup(IamContext& ctx) {
  auto name = RequiredName(ctx.input, "GroupName", 128);
  if (!name.ok()) co_return std::move(name).error();
  auto page = PageMembers(ctx.input);
  if (!page.ok()) co_return std::move(page).error();
  auto t = ctx.dir.txns().Read();
  auto group = ctx.dir.GetGroup(*t, *name);
  if (!group.ok()) co_return std::move(group).error();
  std::vector<User> members;
  for (const std::string& member : group->members) {
    auto user = ctx.dir.FindUser(*t, member);
    if (!user.ok()) co_return std::move(user).error();
    if (user->has_value()) members.push_back(std::move(**user));
  }
  std::sort(members.begin(), members.end(),
            [](const User& a, const User& b) { return NameKey(a.name) < NameKey(b.name); });
  json out = {{"Group", GroupJson(ctx.account(), *group)}};
  RenderPage(
      members, *page, [](const User& u) { return NameKey(u.name); },
      [&](const User& u) { return UserJson(ctx.account(), u); }, "Users", out);
  co_return out;
}

Task<Result<json>> ListGroups(IamContext& ctx) {
  auto prefix = PathMember(ctx.input, "PathPrefix");
  if (!prefix.ok()) co_return std::move(prefix).error();
  auto page = PageMembers(ctx.input);
  if (!page.ok()) co_return std::move(page).error();
  auto t = ctx.dir.txns().Read();
  auto groups = ctx.dir.ListGroups(*t, "", kAll);
  if (!groups.ok()) co_return std::move(groups).error();
  std::erase_if(*groups, [&](const Group& g) { return !HasPrefix(g.path, *prefix); });
  json out = json::object();
  RenderPage(
      *groups, *page, [](const Group& g) { return NameKey(g.name); },
      [&](const Group& g) { return GroupJson(ctx.account(), g); }, "Groups", out);
  co_return out;
}

Task<Result<json>> UpdateGroup(IamContext& ctx) {
  auto rename = RenameMembers(ctx.input, "GroupName", "NewGroupName", 128);
  if (!rename.ok()) co_return std::move(rename).error();
  const std::string* name = &rename->name;
  const std::optional<std::string>& new_name = rename->new_name;
  const std::optional<std::string>& new_path = rename->new_path;
  Status s = co_await ctx.dir.Commit([&](store::WriteTxn& t) -> Status {
    auto group = ctx.dir.GetGroup(t, *name);
    if (!group.ok()) return std::move(group).error();
    std::string old_name = group->name;
    if (new_path) group->path = *new_path;
    if (new_name && *new_name != old_name) {
      if (NameKey(*new_name) != NameKey(old_name)) {
        auto taken = ctx.dir.FindGroup(t, *new_name);
        if (!taken.ok()) return std::move(taken).error();
        if (taken->has_value()) {
          return MakeError("EntityAlreadyExists",
                           "Group with name " + *new_name + " already exists.");
        }
        if (Status r = ctx.dir.Remove(t, kGroup, NameKey(old_name)); !r.ok()) return r;
      }
      group->name = *new_name;
      for (const std::string& member : group->members) {
        auto user = ctx.dir.GetUser(t, member);
        if (!user.ok()) return std::move(user).error();
        Erase(user->groups, old_name);
        user->groups.push_back(*new_name);
        if (Status u = ctx.dir.Put(t, *user); !u.ok()) return u;
      }
    }
    return ctx.dir.Put(t, *group);
  });
  if (!s.ok()) co_return std::move(s).error();
  co_return json();
}

Task<Result<json>> DeleteGroup(IamContext& ctx) {
  auto name = RequiredName(ctx.input, "GroupName", 128);
  if (!name.ok()) co_return std::move(name).error();
  Status s = co_await ctx.dir.Commit([&](store::WriteTxn& t) -> Status {
    auto group = ctx.dir.GetGroup(t, *name);
    if (!group.ok()) return std::move(group).error();
    if (!group->members.empty()) {
      return MakeError("DeleteConflict",
                       "Cannot delete entity, must remove users from group first.");
    }
    if (!group->inline_policies.empty()) {
      return MakeError("DeleteConflict", "Cannot delete entity, must delete policies first.");
    }
    if (!group->attached.empty()) {
      return MakeError("DeleteConflict",
                       "Cannot delete entity, must detach all policies first.");
    }
    return ctx.dir.Remove(t, kGroup, NameKey(group->name));
  });
  if (!s.ok()) co_return std::move(s).error();
  co_return json();
}

Task<Result<json>> AddUserToGroup(IamContext& ctx) {
  auto group_name = RequiredName(ctx.input, "GroupName", 128);
  if (!group_name.ok()) co_return std::move(group_name).error();
  auto user_name = RequiredName(ctx.input, "UserName", 128);
  if (!user_name.ok()) co_return std::move(user_name).error();
  Status s = co_await ctx.dir.Commit([&](store::WriteTxn& t) -> Status {
    auto group = ctx.dir.GetGroup(t, *group_name);
    if (!group.ok()) return std::move(group).error();
    auto user = ctx.dir.GetUser(t, *user_name);
    if (!user.ok()) return std::move(user).error();
    if (Contains(user->groups, group->name)) return {};
    if (user->groups.size() >= kMaxGroupsPerUser) {
      return MakeError("LimitExceeded", "Cannot exceed quota for GroupsPerUser: 10");
    }
    user->groups.push_back(group->name);
    group->members.push_back(user->name);
    if (Status u = ctx.dir.Put(t, *user); !u.ok()) return u;
    return ctx.dir.Put(t, *group);
  });
  if (!s.ok()) co_return std::move(s).error();
  co_return json();
}

Task<Result<json>> RemoveUserFromGroup(IamContext& ctx) {
  auto group_name = RequiredName(ctx.input, "GroupName", 128);
  if (!group_name.ok()) co_return std::move(group_name).error();
  auto user_name = RequiredName(ctx.input, "UserName", 128);
  if (!user_name.ok()) co_return std::move(user_name).error();
  Status s = co_await ctx.dir.Commit([&](store::WriteTxn& t) -> Status {
    auto group = ctx.dir.GetGroup(t, *group_name);
    if (!group.ok()) return std::move(group).error();
    auto user = ctx.dir.GetUser(t, *user_name);
    if (!user.ok()) return std::move(user).error();
    Erase(user->groups, group->name);
    Erase(group->members, user->name);
    if (Status u = ctx.dir.Put(t, *user); !u.ok()) return u;
    return ctx.dir.Put(t, *group);
  });
  if (!s.ok()) co_return std::move(s).error();
  co_return json();
}

Task<Result<json>> ListGroupsForUser(IamContext& ctx) {
  auto name = RequiredName(ctx.input, "UserName", 128);
  if (!name.ok()) co_return std::move(name).error();
  auto page = PageMembers(ctx.input);
  if (!page.ok()) co_return std::move(page).error();
  auto t = ctx.dir.txns().Read();
  auto user = ctx.dir.GetUser(*t, *name);
  if (!user.ok()) co_return std::move(user).error();
  std::vector<Group> groups;
  for (const std::string& group_name : user->groups) {
    auto group = ctx.dir.FindGroup(*t, group_name);
    if (!group.ok()) co_return std::move(group).error();
    if (group->has_value()) groups.push_back(std::move(**group));
  }
  std::sort(groups.begin(), groups.end(),
            [](const Group& a, const Group& b) { return NameKey(a.name) < NameKey(b.name); });
  json out = json::object();
  RenderPage(
      groups, *page, [](const Group& g) { return NameKey(g.name); },
      [&](const Group& g) { return GroupJson(ctx.account(), g); }, "Groups", out);
  co_return out;
}

}  // namespace evoke::iam
