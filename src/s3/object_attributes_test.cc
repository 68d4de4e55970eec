// Unit tests for s3/object_attributes.h: GetObjectAttributes' request headers and its document.
#include "s3/object_attributes.h"

#include <gtest/gtest.h>

#include <pugixml.hpp>

namespace evoke::s3 {
namespace {

http::Headers H(std::initializer_list<std::pair<const char*, const char*>> fields) {
  http::Headers h;
  for (const auto& [name, value] : fields) h.Add(name, value);
  return h;
}

TEST(ObjectAttributes, RequestHeaders) {
  auto all = ParseAttributesRequest(H({{"x-amz-object-attributes", "ETag,Checksum, ObjectParts"},
                                       {"x-amz-object-attributes", "StorageClass,ObjectSize"}}));
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->etag && all->checksum && all->object_parts && all->storage_class &&
              all->object_size);
  EXPECT_EQ(all->max_parts, 1000);
  EXPECT_EQ(all->part_number_marker, 0);

  auto one = ParseAttributesRequest(H({{"x-amz-object-attributes", "ObjectSize"},
                                       {"x-amz-max-parts", "5000"},
                                       {"x-amz-part-number-marker", "3"}}));
  ASSERT_TRUE(one.ok());
  EXPECT_TRUE(one->object_size);
  EXPECT_FALSE(one->etag || one->checksum || one->object_parts || one->storage_class);
  EXPECT_EQ(one->max_parts, 5000);
  EXPECT_EQ(one->part_number_marker, 3);

  for (const char* missing : {"", ",", " , "}) {
    auto r = ParseAttributesRequest(H({{"x-amz-object-attributes", missing}}));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "InvalidRequest");
  }
  EXPECT_EQ(ParseAttributesRequest(H({})).error().message,
            "The x-amz-object-attributes header specifying the attributes to be retrieved is "
            "either missing or empty");
  for (const char* bad : {"ETag,Size", "etag", "ObjectParts,Invalid_argument"}) {
    auto r = ParseAttributesRequest(H({{"x-amz-object-attributes", bad}}));
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "InvalidArgument");
    EXPECT_EQ(r.error().message, "Invalid attribute name specified.");
  }
  for (const char* header : {"x-amz-max-parts", "x-amz-part-number-marker"}) {
    for (const char* value : {"-1", "x", "1.5", "", "2147483648"}) {
      auto r = ParseAttributesRequest(H({{"x-amz-object-attributes", "ETag"}, {header, value}}));
      ASSERT_FALSE(r.ok()) << header << "=" << value;
      EXPECT_EQ(r.error().code, "InvalidArgument");
    }
  }
}

store::ObjectRecord Multipart(std::string algorithm, std::string type) {
  store::ObjectRecord o;
  o.etag = "0123456789abcdef0123456789abcdef-3";
  o.size = 11;
  o.part_count = 3;
  o.checksum_algorithm = std::move(algorithm);
  o.checksum_type = std::move(type);
  o.checksum_value = o.checksum_algorithm.empty() ? "" : "AAAAAA==-3";
  const char* sums[] = {"AQAAAA==", "AgAAAA==", "AwAAAA=="};
  for (int i = 0; i < 3; ++i) {
    o.parts.push_back(
        {2 * i + 1, static_cast<uint64_t>(5 - i), o.checksum_algorithm.empty() ? "" : sums[i]});
  }
  return o;
}

pugi::xml_node Root(pugi::xml_document& doc, const std::string& xml) {
  EXPECT_TRUE(doc.load_string(xml.c_str())) << xml;
  return doc.child("GetObjectAttributesResponse");
}

AttributesRequest All() {
  AttributesRequest r;
  r.etag = r.checksum = r.object_parts = r.storage_class = r.object_size = true;
  return r;
}

TEST(ObjectAttributes, SinglePartObject) {
  store::ObjectRecord o;
  o.etag = "abc";
  o.size = 5;
  pugi::xml_document doc;
  pugi::xml_node root = Root(doc, ObjectAttributesXml(o, All()));
  EXPECT_STREQ(root.child_value("ETag"), "abc");  // unquoted
  EXPECT_FALSE(root.child("Checksum"));
  EXPECT_FALSE(root.child("ObjectParts"));  // not multipart
  EXPECT_STREQ(root.child_value("StorageClass"), "STANDARD");
  EXPECT_STREQ(root.child_value("ObjectSize"), "5");

  AttributesRequest size_only;
  size_only.object_size = true;
  o.checksum_algorithm = "CRC32";
  o.checksum_value = "NhCmhg==";
  o.checksum_type = "FULL_OBJECT";
  o.storage_class = "GLACIER";
  root = Root(doc, ObjectAttributesXml(o, size_only));
  EXPECT_FALSE(root.child("ETag") || root.child("Checksum") || root.child("StorageClass"));
  root = Root(doc, ObjectAttributesXml(o, All()));
  EXPECT_STREQ(root.child("Checksum").child_value("ChecksumCRC32"), "NhCmhg==");
  EXPECT_STREQ(root.child("Checksum").child_value("ChecksumType"), "FULL_OBJECT");
  EXPECT_STREQ(root.child_value("StorageClass"), "GLACIER");
}

TEST(ObjectAttributes, MultipartWithoutChecksumsGivesTheCountAlone) {
  pugi::xml_document doc;
  pugi::xml_node parts =
      Root(doc, ObjectAttributesXml(Multipart("", ""), All())).child("ObjectParts");
  ASSERT_TRUE(parts);
  EXPECT_STREQ(parts.child_value("PartsCount"), "3");
  EXPECT_FALSE(parts.child("Part") || parts.child("MaxParts") || parts.child("IsTruncated"));
  // Checksummed, but completed before evoke kept its parts: the count alone too.
  store::ObjectRecord old = Multipart("SHA256", "COMPOSITE");
  old.parts.clear();
  parts = Root(doc, ObjectAttributesXml(old, All())).child("ObjectParts");
  EXPECT_STREQ(parts.child_value("PartsCount"), "3");
  EXPECT_FALSE(parts.child("Part"));
}

TEST(ObjectAttributes, MultipartPartsPageByPartNumber) {
  store::ObjectRecord o = Multipart("SHA256", "COMPOSITE");
  pugi::xml_document doc;
  pugi::xml_node root = Root(doc, ObjectAttributesXml(o, All()));
  // The object's composite checksum without its "-3".
  EXPECT_STREQ(root.child("Checksum").child_value("ChecksumSHA256"), "AAAAAA==");
  EXPECT_STREQ(root.child("Checksum").child_value("ChecksumType"), "COMPOSITE");
  pugi::xml_node parts = root.child("ObjectParts");
  EXPECT_STREQ(parts.child_value("PartsCount"), "3");
  EXPECT_STREQ(parts.child_value("MaxParts"), "1000");
  EXPECT_STREQ(parts.child_value("IsTruncated"), "false");
  EXPECT_STREQ(parts.child_value("PartNumberMarker"), "0");
  EXPECT_STREQ(parts.child_value("NextPartNumberMarker"), "5");
  std::vector<std::string> numbers;
  for (pugi::xml_node p : parts.children("Part")) numbers.push_back(p.child_value("PartNumber"));
  EXPECT_EQ(numbers, (std::vector<std::string>{"1", "3", "5"}));
  EXPECT_STREQ(parts.child("Part").child_value("Size"), "5");
  EXPECT_STREQ(parts.child("Part").child_value("ChecksumSHA256"), "AQAAAA==");

  AttributesRequest page;
  page.object_parts = true;
  page.max_parts = 1;
  page.part_number_marker = 1;  // after part 1: part 3, and part 5 still to come
  parts = Root(doc, ObjectAttributesXml(o, page)).child("ObjectParts");
  EXPECT_STREQ(parts.child_value("IsTruncated"), "true");
  EXPECT_STREQ(parts.child_value("MaxParts"), "1");
  EXPECT_STREQ(parts.child_value("PartNumberMarker"), "1");
  EXPECT_STREQ(parts.child_value("NextPartNumberMarker"), "3");
  EXPECT_STREQ(parts.child("Part").child_value("PartNumber"), "3");
  EXPECT_FALSE(parts.child("Part").next_sibling("Part"));

  page.max_parts = 0;
  parts = Root(doc, ObjectAttributesXml(o, page)).child("ObjectParts");
  EXPECT_FALSE(parts.child("Part"));
  EXPECT_STREQ(parts.child_value("IsTruncated"), "false");
  EXPECT_STREQ(parts.child_value("PartsCount"), "3");

  page.max_parts = 5000;  // answered as asked, at most 1000 listed
  page.part_number_marker = 5;
  parts = Root(doc, ObjectAttributesXml(o, page)).child("ObjectParts");
  EXPECT_STREQ(parts.child_value("MaxParts"), "5000");
  EXPECT_FALSE(parts.child("Part"));
  EXPECT_STREQ(parts.child_value("IsTruncated"), "false");

  // A full-object checksum keeps its value as it is.
  store::ObjectRecord full = Multipart("CRC32", "FULL_OBJECT");
  full.checksum_value = "AAAAAA==";
  root = Root(doc, ObjectAttributesXml(full, All()));
  EXPECT_STREQ(root.child("Checksum").child_value("ChecksumCRC32"), "AAAAAA==");
  EXPECT_STREQ(root.child("Checksum").child_value("ChecksumType"), "FULL_OBJECT");
  EXPECT_STREQ(root.child("ObjectParts").child("Part").child_value("ChecksumCRC32"), "AQAAAA==");
}

}  // namespace
}  // namespace evoke::s3
