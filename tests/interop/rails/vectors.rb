# frozen_string_literal: true
# Writes rails-vectors.json: Rails session cookies as Set-Cookie carries them (URL-escaped by Rack), with what the
# .NET codec must make of each: the session's JSON, or the reason it is refused.
#   ruby vectors.rb > rails-vectors.json
# The SHA-1 cookies are made by Debian's Rails 6.1 itself: its key generator (PBKDF2-SHA1, 1000 iterations, as
# Rails.application.key_generator), its MessageEncryptor (AES-256-GCM) and its cookie metadata, exactly as
# EncryptedKeyRotatingCookieJar#commit calls them. The SHA-256 key (Rails 7's key derivation) comes from OpenSSL's
# PBKDF2 directly. The envelope a MessageEncryptor writes with its serializer for metadata (Rails 7.1,
# {"_rails":{"data":...}}) is built by hand and encrypted with OpenSSL's AES-256-GCM, independently of Rails.
# Each vector's "now" is the clock the codec reads it with (ISO 8601).
require "json"
require "openssl"
require "base64"
require "rack"
require "active_support"
require "active_support/json"
require "active_support/key_generator"
require "active_support/message_encryptor"

SALT = "authenticated encrypted cookie"
SECRET = "4a6f686e20446f6520736563726574206b657920626173652c2031323820686578206368617273206c6f6e6720656e6f75676821"
OLD_SECRET = "an older secret_key_base, rotated out but still readable during the upgrade"
NOW = Time.utc(2026, 12, 6, 3, 0, 0)
EXP = Time.utc(2026, 12, 20, 3, 0, 0)

def sha1_key(secret) = ActiveSupport::KeyGenerator.new(secret, iterations: 1000).generate_key(SALT, 32)
def sha256_key(secret) = OpenSSL::PKCS5.pbkdf2_hmac(secret, SALT, 1000, 32, OpenSSL::Digest.new("SHA256"))

# As EncryptedKeyRotatingCookieJar#commit: the cookie serializer's output, then the encryptor with metadata.
def rails_cookie(key, serialized, purpose: nil, expires_at: nil)
  encryptor = ActiveSupport::MessageEncryptor.new(key, cipher: "aes-256-gcm", serializer: ActiveSupport::MessageEncryptor::NullSerializer)
  metadata = { expires_at: expires_at }
  metadata[:purpose] = purpose if purpose
  Rack::Utils.escape(encryptor.encrypt_and_sign(serialized, **metadata))
end

# AES-256-GCM as MessageEncryptor writes it, from OpenSSL alone: base64(data)--base64(iv)--base64(tag).
def openssl_cookie(key, plaintext)
  cipher = OpenSSL::Cipher.new("aes-256-gcm").encrypt
  cipher.key = key
  iv = cipher.random_iv
  cipher.auth_data = ""
  data = cipher.update(plaintext) + cipher.final
  Rack::Utils.escape([data, iv, cipher.auth_tag].map { |part| Base64.strict_encode64(part) }.join("--"))
end

session = {
  "session_id" => "f3c1b6a0e4d2c8b7a9e0d1c2b3a4f5e6",
  "_csrf_token" => "QLDOC0N9fZ8k_WC9ISkaqhd8hw79EvEyx-7oTuO-yEs=",
  "count" => 3,
  "name" => "Zoë <b>&</b> \u2028 日本",
  "nested" => { "list" => [1, 2.5, -7, 1.0e+20, nil, true], "empty" => {} },
  "flash" => { "discard" => [], "flashes" => { "notice" => "Saved" } },
  "warden.user.user.key" => [[42], "$2a$12$abcdefghijklmnopqrstuv"],
}
json = ActiveSupport::JSON.encode(session)
name = "_shop_session"
purpose = "cookie.#{name}"
key1 = sha1_key(SECRET)
key256 = sha256_key(SECRET)
iso = ->(t) { t.utc.iso8601(3) }
data_envelope = ->(exp, pur) { ActiveSupport::JSON.encode({ "_rails" => { "data" => session }.merge(exp ? { "exp" => iso.(exp) } : {}).merge(pur ? { "pur" => pur } : {}) }) }

vectors = [
  { name: "sha1-legacy-envelope-no-expiry", digest: "SHA1", value: rails_cookie(key1, json, purpose: purpose), json: json },
  { name: "sha1-legacy-envelope-expiry", digest: "SHA1", value: rails_cookie(key1, json, purpose: purpose, expires_at: EXP), json: json },
  { name: "sha1-legacy-envelope-expired", digest: "SHA1", value: rails_cookie(key1, json, purpose: purpose, expires_at: NOW - 1), rejection: "Expired" },
  { name: "sha1-no-metadata", digest: "SHA1", value: rails_cookie(key1, json), json: json },
  { name: "sha1-other-purpose", digest: "SHA1", value: rails_cookie(key1, json, purpose: "cookie._other_session"), rejection: "PurposeMismatch" },
  { name: "sha1-marshal", digest: "SHA1", value: rails_cookie(key1, Marshal.dump(session), purpose: purpose), rejection: "UnsupportedSerializer" },
  { name: "sha1-not-an-object", digest: "SHA1", value: rails_cookie(key1, "[1,2]", purpose: purpose), rejection: "NotJsonObject" },
  { name: "sha1-under-sha256-key", digest: "SHA256", readable: [], value: rails_cookie(key1, json, purpose: purpose), rejection: "Undecryptable" },
  { name: "sha1-readable-during-upgrade", digest: "SHA256", readable: ["SHA1"], value: rails_cookie(key1, json, purpose: purpose), json: json, renewal: true },
  { name: "sha256-legacy-envelope", digest: "SHA256", value: rails_cookie(key256, json, purpose: purpose, expires_at: EXP), json: json },
  { name: "sha256-under-sha1-key", digest: "SHA1", value: rails_cookie(key256, json, purpose: purpose), rejection: "Undecryptable" },
  { name: "sha256-older-secret", digest: "SHA256", secrets: [SECRET, OLD_SECRET], value: rails_cookie(sha256_key(OLD_SECRET), json, purpose: purpose), json: json, renewal: true },
  { name: "sha256-foreign-secret", digest: "SHA256", value: rails_cookie(sha256_key(OLD_SECRET), json, purpose: purpose), rejection: "Undecryptable" },
  { name: "sha256-data-envelope", digest: "SHA256", value: openssl_cookie(key256, data_envelope.(EXP, purpose)), json: json },
  { name: "sha256-data-envelope-no-expiry", digest: "SHA256", value: openssl_cookie(key256, data_envelope.(nil, purpose)), json: json },
  { name: "sha256-data-envelope-expired", digest: "SHA256", value: openssl_cookie(key256, data_envelope.(NOW, purpose)), rejection: "Expired" },
  { name: "sha256-data-envelope-other-purpose", digest: "SHA256", value: openssl_cookie(key256, data_envelope.(EXP, "cookie.remember_me")), rejection: "PurposeMismatch" },
  { name: "sha256-legacy-envelope-openssl", digest: "SHA256", value: openssl_cookie(key256, ActiveSupport::JSON.encode({ "_rails" => { "message" => Base64.strict_encode64(json), "exp" => iso.(EXP), "pur" => purpose } })), json: json },
]

out = {
  comment: "Generated by tests/interop/rails/vectors.rb with Ruby #{RUBY_VERSION}, ActiveSupport #{ActiveSupport.version}, #{OpenSSL::OPENSSL_LIBRARY_VERSION}. Do not edit.",
  cookieName: name,
  secret: SECRET,
  now: iso.(NOW),
  keys: { SHA1: key1.unpack1("H*"), SHA256: key256.unpack1("H*") },
  vectors: vectors.map { |v| { secrets: [SECRET], readable: [], renewal: false }.merge(v) },
}
puts JSON.pretty_generate(out)
