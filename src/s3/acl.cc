#include "s3/acl.h"

#include <algorithm>
#include <array>
#include <pugixml.hpp>

#include "s3/xml.h"

namespace evoke::s3 {
namespace {

constexpr std::string_view kAllUsersUri = "http://acs.amazonaws.com/groups/global/AllUsers";
constexpr std::string_view kAuthenticatedUri =
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
constexpr std::string_view kLogDeliveryUri = "http://acs.amazonaws.com/groups/s3/LogDelivery";
// The canonical user aws-exec-read grants READ to (Amazon EC2, reading AMI bundles).
constexpr std::string_view kEc2Id =
    "6aa5a366c34c1cbe25dc49211496e913e0351eb0e8c37aa3477e40942ec6b97c";
constexpr std::string_view kXsi = "http://www.w3.org/2001/XMLSchema-instance";

using Grantee = Grant::Grantee;

constexpr std::array<std::string_view, 5> kPermissionNames = {"READ", "WRITE", "READ_ACP",
                                                              "WRITE_ACP", "FULL_CONTROL"};
constexpr std::array<std::string_view, 5> kGranteeCodes = {"owner", "all", "authenticated",
                                                           "log-delivery", "ec2"};

std::string_view PermissionName(Permission p) { return kPermissionNames[static_cast<size_t>(p)]; }

std::optional<Permission> ParsePermission(std::string_view name) {
  for (size_t i = 0; i < kPermissionNames.size(); ++i) {
    if (kPermissionNames[i] == name) return static_cast<Permission>(i);
  }
  return std::nullopt;
}

Error InvalidArgument(std::string_view message, std::string_view name, std::string_view value) {
  return MakeError("InvalidArgument", std::string(message))
      .With("ArgumentName", std::string(name))
      .With("ArgumentValue", std::string(value));
}

Result<Grantee> GranteeOfId(std::string_view id, std::string_view owner_id) {
  if (id == owner_id) return Grantee::kOwner;
  if (id == kEc2Id) return Grantee::kEc2;
  return InvalidArgument("Invalid id", "CanonicalUser/ID", id);
}

Result<Grantee> GranteeOfUri(std::string_view uri) {
  if (uri == kAllUsersUri) return Grantee::kAllUsers;
  if (uri == kAuthenticatedUri) return Grantee::kAuthenticatedUsers;
  if (uri == kLogDeliveryUri) return Grantee::kLogDelivery;
  return InvalidArgument("Invalid group uri", "Group/URI", uri);
}

Error UnresolvableEmail(std::string_view email) {
  return MakeError("UnresolvableGrantByEmailAddress",
                   "The e-mail address you provided does not match any account on record.")
      .With("EmailAddress", std::string(email));
}

std::optional<Acl> CannedAcl(std::string_view name) {
  Acl acl = PrivateAcl();
  if (name == "private" || name == "bucket-owner-read" || name == "bucket-owner-full-control") {
    // The bucket owner is the object owner: the owner's FULL_CONTROL says it all.
    return acl;
  }
  if (name == "public-read") {
    acl.push_back({Grantee::kAllUsers, Permission::kRead});
  } else if (name == "public-read-write") {
    acl.push_back({Grantee::kAllUsers, Permission::kRead});
    acl.push_back({Grantee::kAllUsers, Permission::kWrite});
  } else if (name == "authenticated-read") {
    acl.push_back({Grantee::kAuthenticatedUsers, Permission::kRead});
  } else if (name == "aws-exec-read") {
    acl.push_back({Grantee::kEc2, Permission::kRead});
  } else if (name == "log-delivery-write") {
    acl.push_back({Grantee::kLogDelivery, Permission::kWrite});
    acl.push_back({Grantee::kLogDelivery, Permission::kReadAcp});
  } else {
    return std::nullopt;
  }
  return acl;
}

constexpr std::array<std::pair<std::string_view, Permission>, 5> kGrantHeaders = {{
    {"x-amz-grant-read", Permission::kRead},
    {"x-amz-grant-write", Permission::kWrite},
    {"x-amz-grant-read-acp", Permission::kReadAcp},
    {"x-amz-grant-write-acp", Permission::kWriteAcp},
    {"x-amz-grant-full-control", Permission::kFullControl},
}};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// One x-amz-grant-* header: `type=value` items (value quoted or not) separated by commas.
Status AddHeaderGrants(std::string_view value, Permission permission, std::string_view owner_id,
                       Acl& acl) {
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view item = Trim(value.substr(0, comma));
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    if (item.empty()) continue;
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return InvalidArgument("Argument format not recognized", "x-amz-grant", item);
    }
    std::string_view type = Trim(item.substr(0, eq)), id = Trim(item.substr(eq + 1));
    if (id.size() >= 2 && id.front() == '"' && id.back() == '"') id = id.substr(1, id.size() - 2);
    Result<Grantee> grantee = Grantee::kOwner;
    if (type == "id") {
      grantee = GranteeOfId(id, owner_id);
    } else if (type == "uri") {
      grantee = GranteeOfUri(id);
    } else if (type == "emailAddress") {
      return UnresolvableEmail(id);
    } else {
      return InvalidArgument("Argument format not recognized", "x-amz-grant", item);
    }
    if (!grantee.ok()) return std::move(grantee).error();
    Grant g{*grantee, permission};
    if (std::find(acl.begin(), acl.end(), g) == acl.end()) acl.push_back(g);
  }
  return {};
}

// The statements one public grantee gets from a set of permissions.
void AppendActions(std::string& json, Permission p, bool object) {
  auto add = [&json](std::string_view action) {
    if (json.back() != '[') json += ',';
    json += '"';
    json += action;
    json += '"';
  };
  const bool all = p == Permission::kFullControl;
  if (object) {
    if (all || p == Permission::kRead) {
      add("s3:GetObject");
      add("s3:GetObjectVersion");
      add("s3:GetObjectAttributes");  // S3: "you must have READ access to the object"
      add("s3:GetObjectVersionAttributes");
    }
    if (all || p == Permission::kReadAcp) {
      add("s3:GetObjectAcl");
      add("s3:GetObjectVersionAcl");
    }
    if (all || p == Permission::kWriteAcp) {
      add("s3:PutObjectAcl");
      add("s3:PutObjectVersionAcl");
    }
    return;
  }
  if (all || p == Permission::kRead) {
    add("s3:ListBucket");
    add("s3:ListBucketVersions");
    add("s3:ListBucketMultipartUploads");
  }
  if (all || p == Permission::kWrite) {
    add("s3:PutObject");
    add("s3:DeleteObject");
    add("s3:DeleteObjectVersion");
    add("s3:AbortMultipartUpload");
  }
  if (all || p == Permission::kReadAcp) add("s3:GetBucketAcl");
  if (all || p == Permission::kWriteAcp) add("s3:PutBucketAcl");
}

}  // namespace

std::optional<Ownership> ParseOwnership(std::string_view name) {
  if (name == "BucketOwnerEnforced") return Ownership::kBucketOwnerEnforced;
  if (name == "BucketOwnerPreferred") return Ownership::kBucketOwnerPreferred;
  if (name == "ObjectWriter") return Ownership::kObjectWriter;
  return std::nullopt;
}

std::string_view OwnershipName(Ownership ownership) {
  switch (ownership) {
    case Ownership::kBucketOwnerEnforced: return "BucketOwnerEnforced";
    case Ownership::kBucketOwnerPreferred: return "BucketOwnerPreferred";
    case Ownership::kObjectWriter: return "ObjectWriter";
  }
  return "ObjectWriter";
}

Acl PrivateAcl() { return {{Grantee::kOwner, Permission::kFullControl}}; }

bool IsOwnerFullControlOnly(const Acl& acl) { return acl == PrivateAcl(); }

bool IsPublicAcl(const Acl& acl) {
  for (const Grant& g : acl) {
    if (g.grantee == Grantee::kAllUsers || g.grantee == Grantee::kAuthenticatedUsers) return true;
  }
  return false;
}

bool HasAclHeaders(const http::Headers& headers) {
  if (headers.Has("x-amz-acl")) return true;
  for (const auto& [name, permission] : kGrantHeaders) {
    if (headers.Has(name)) return true;
  }
  return false;
}

Result<std::optional<Acl>> AclOfHeaders(const http::Headers& headers, std::string_view owner_id) {
  auto canned = headers.Get("x-amz-acl");
  bool grants = false;
  for (const auto& [name, permission] : kGrantHeaders) grants |= headers.Has(name);
  if (canned && grants) {
    return MakeError("InvalidRequest",
                     "Specifying both Canned ACLs and Header Grants is not allowed");
  }
  if (canned) {
    auto acl = CannedAcl(*canned);
    if (!acl) return InvalidArgument("", "x-amz-acl", *canned);
    return std::optional<Acl>(std::move(*acl));
  }
  if (!grants) return std::optional<Acl>();
  Acl acl;
  for (const auto& [name, permission] : kGrantHeaders) {
    if (auto value = headers.Get(name)) {
      if (Status s = AddHeaderGrants(*value, permission, owner_id, acl); !s.ok()) {
        return std::move(s).error();
      }
    }
  }
  return std::optional<Acl>(std::move(acl));
}

Result<Acl> ParseAclXml(std::string_view xml, std::string_view owner_id) {
  const Error malformed =
      MakeError("MalformedACLError",
                "The XML you provided was not well-formed or did not validate against our "
                "published schema");
  pugi::xml_document doc;
  pugi::xml_node root = LoadRequestRoot(doc, xml, "AccessControlPolicy");
  if (!root) return malformed;
  pugi::xml_node owner = root.child("Owner");
  if (!owner) return malformed;
  if (std::string_view(owner.child("ID").text().get()) != owner_id) {
    return MakeError("AccessDenied", "Access Denied");
  }
  pugi::xml_node list = root.child("AccessControlList");
  if (!list) return malformed;
  Acl acl;
  for (pugi::xml_node grant : list.children()) {
    if (grant.type() != pugi::node_element) continue;
    if (std::string_view(grant.name()) != "Grant") return malformed;
    pugi::xml_node grantee = grant.child("Grantee");
    auto permission = ParsePermission(grant.child("Permission").text().get());
    if (!grantee || !permission) return malformed;
    // xsi:type, whatever prefix the document binds the XML Schema instance namespace to.
    std::string_view type;
    for (pugi::xml_attribute a : grantee.attributes()) {
      std::string_view name = a.name();
      if (name == "type" || (name.size() > 5 && name.ends_with(":type"))) type = a.value();
    }
    Result<Grantee> who = Grantee::kOwner;
    if (type == "CanonicalUser") {
      who = GranteeOfId(grantee.child("ID").text().get(), owner_id);
    } else if (type == "Group") {
      who = GranteeOfUri(grantee.child("URI").text().get());
    } else if (type == "AmazonCustomerByEmail") {
      return UnresolvableEmail(grantee.child("EmailAddress").text().get());
    } else {
      return malformed;
    }
    if (!who.ok()) return std::move(who).error();
    Grant g{*who, *permission};
    if (std::find(acl.begin(), acl.end(), g) == acl.end()) acl.push_back(g);
  }
  return acl;
}

std::string AclXml(const Acl& acl, std::string_view owner_id, std::string_view display_name) {
  XmlWriter x("AccessControlPolicy");
  x.Open("Owner").Element("ID", owner_id).Element("DisplayName", display_name).Close("Owner");
  x.Open("AccessControlList");
  const std::string xsi = "xmlns:xsi=\"" + std::string(kXsi) + "\" xsi:type=";
  for (const Grant& g : acl) {
    x.Open("Grant");
    switch (g.grantee) {
      case Grantee::kOwner:
        x.Open("Grantee", xsi + "\"CanonicalUser\"")
            .Element("ID", owner_id)
            .Element("DisplayName", display_name);
        break;
      case Grantee::kEc2:
        x.Open("Grantee", xsi + "\"CanonicalUser\"").Element("ID", kEc2Id);
        break;
      case Grantee::kAllUsers:
        x.Open("Grantee", xsi + "\"Group\"").Element("URI", kAllUsersUri);
        break;
      case Grantee::kAuthenticatedUsers:
        x.Open("Grantee", xsi + "\"Group\"").Element("URI", kAuthenticatedUri);
        break;
      case Grantee::kLogDelivery:
        x.Open("Grantee", xsi + "\"Group\"").Element("URI", kLogDeliveryUri);
        break;
    }
    x.Close("Grantee").Element("Permission", PermissionName(g.permission)).Close("Grant");
  }
  x.Close("AccessControlList");
  return x.Finish();
}

std::string EncodeAcl(const Acl& acl) {
  if (IsOwnerFullControlOnly(acl)) return {};
  std::string out;
  for (const Grant& g : acl) {
    if (!out.empty()) out += ',';
    out += kGranteeCodes[static_cast<size_t>(g.grantee)];
    out += ':';
    out += PermissionName(g.permission);
  }
  // An empty ACL (grant headers that all named nothing) must not read back as private.
  return out.empty() ? std::string("none") : out;
}

Acl DecodeAcl(std::string_view stored) {
  if (stored.empty()) return PrivateAcl();
  Acl acl;
  if (stored == "none") return acl;
  while (!stored.empty()) {
    size_t comma = stored.find(',');
    std::string_view item = stored.substr(0, comma);
    stored = comma == std::string_view::npos ? std::string_view() : stored.substr(comma + 1);
    size_t colon = item.find(':');
    if (colon == std::string_view::npos) return {};
    std::optional<Grantee> grantee;
    for (size_t i = 0; i < kGranteeCodes.size(); ++i) {
      if (kGranteeCodes[i] == item.substr(0, colon)) grantee = static_cast<Grantee>(i);
    }
    auto permission = ParsePermission(item.substr(colon + 1));
    if (!grantee || !permission) return {};
    acl.push_back({*grantee, *permission});
  }
  return acl;
}

std::string AclPolicyJson(const Acl& acl, bool object) {
  std::string statements;
  for (Grantee who : {Grantee::kAllUsers, Grantee::kAuthenticatedUsers}) {
    std::string actions = "[";
    for (const Grant& g : acl) {
      if (g.grantee == who) AppendActions(actions, g.permission, object);
    }
    if (actions == "[") continue;
    if (!statements.empty()) statements += ',';
    statements +=
        R"({"Effect":"Allow","Principal":"*","Action":)" + actions + R"(],"Resource":"*")";
    // AuthenticatedUsers: anyone who signs the request.
    if (who == Grantee::kAuthenticatedUsers) {
      statements += R"(,"Condition":{"StringNotEquals":{"aws:PrincipalType":"Anonymous"}})";
    }
    statements += '}';
  }
  if (statements.empty()) return {};
  return R"({"Version":"2012-10-17","Statement":[)" + statements + "]}";
}

}  // namespace evoke::s3
