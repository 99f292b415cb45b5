# frozen_string_literal: true
# A minimal Rails app (Debian's ruby-rails 6.1) whose session is Rails' own CookieStore, on a loopback port
# printed to stdout as "listening <port>".
#   ruby server.rb [--digest=SHA1|SHA256] [--cookie-name=NAME] [--expire-after=SECONDS] [--serializer=json|marshal]
#                  [--old-digest=SHA1|SHA256] [--] <secret_key_base> [<older secret_key_base> ...]
# The first secret_key_base is the app's own; older ones are readable through cookies_rotations, as a Rails app
# rotates them. --digest is the PBKDF2 digest of the key derivation: SHA1 as Rails 5.2 to 6.1 derive it (Rails'
# own key generator), SHA256 as Rails 7.0's defaults do (the same PBKDF2 with OpenSSL's SHA-256, in place of the
# app's key generator). --old-digest makes the primary secret also readable under the other digest, as Rails 7's
# upgrade guide rotates SHA-1 cookies. Defaults: SHA1, _peer_session, no expiry, json.
# Routes, as the other peers have them:
#   GET /get    the session as JSON          POST /set   merge a JSON object into the session
#   GET /inc    count += 1                   GET /clear  reset_session
#   GET /touch  read the session only        GET /empty  delete every key
#   GET /flash  flash[:notice] = "Saved"     GET /csrf   form_authenticity_token (stores _csrf_token)
# A request header X-Peer-Now: <ms since the epoch> is Time.now for that request, to write and check expiries
# under a moved clock.
require "json"
require "openssl"
require "logger"
require "action_controller/railtie"

options = { digest: "SHA1", cookie_name: "_peer_session", expire_after: nil, serializer: :json, old_digest: nil }
secrets = []
flags = true
ARGV.each do |arg|
  if flags && arg == "--"
    flags = false
  elsif flags && (m = /\A--([a-z-]+)=(.*)\z/m.match(arg))
    case m[1]
    when "digest" then options[:digest] = m[2]
    when "old-digest" then options[:old_digest] = m[2]
    when "cookie-name" then options[:cookie_name] = m[2]
    when "expire-after" then options[:expire_after] = Integer(m[2])
    when "serializer" then options[:serializer] = m[2].to_sym
    else
      warn "unknown option --#{m[1]}"
      exit 2
    end
  else
    secrets << arg
  end
end
if secrets.empty?
  warn "usage: ruby server.rb [options] <secret_key_base> [<older secret_key_base> ...]"
  exit 2
end

# Time.now for the current request, moved by X-Peer-Now.
module PeerClock
  class << self
    attr_accessor :now_ms
  end

  module Now
    def now(*args, **kwargs)
      ms = PeerClock.now_ms
      ms ? Time.at(Rational(ms, 1000)) : super
    end
  end

  class Middleware
    def initialize(app)
      @app = app
    end

    def call(env)
      PeerClock.now_ms = env["HTTP_X_PEER_NOW"]&.then { |v| Integer(v) }
      @app.call(env)
    ensure
      PeerClock.now_ms = nil
    end
  end
end
Time.singleton_class.prepend(PeerClock::Now)

# PBKDF2 as ActiveSupport::KeyGenerator derives keys, with the digest given: Rails 7's key generator takes
# hash_digest_class; Rails 6.1's is fixed at SHA-1.
class DigestKeyGenerator
  def initialize(secret, digest, iterations: 1000)
    @secret, @digest, @iterations = secret, digest, iterations
  end

  def generate_key(salt, key_size = 64)
    OpenSSL::PKCS5.pbkdf2_hmac(@secret, salt, @iterations, key_size, OpenSSL::Digest.new(@digest))
  end
end

SECRETS = secrets
OPTIONS = options

class PeerApp < Rails::Application
  config.load_defaults 6.1
  config.eager_load = false
  config.logger = Logger.new(nil)
  config.log_level = :fatal
  config.hosts.clear
  config.secret_key_base = SECRETS.first
  config.action_controller.default_protect_from_forgery = false
  config.action_dispatch.cookies_serializer = OPTIONS[:serializer]
  session_options = { key: OPTIONS[:cookie_name] }
  session_options[:expire_after] = OPTIONS[:expire_after] if OPTIONS[:expire_after]
  config.session_store :cookie_store, **session_options
  config.middleware.insert_before 0, PeerClock::Middleware

  def key_generator
    @peer_key_generator ||= ActiveSupport::CachingKeyGenerator.new(DigestKeyGenerator.new(secret_key_base, OPTIONS[:digest]))
  end

  config.after_initialize do |app|
    salt = app.config.action_dispatch.authenticated_encrypted_cookie_salt
    rotations = app.config.action_dispatch.cookies_rotations
    if OPTIONS[:old_digest]
      rotations.rotate :encrypted, DigestKeyGenerator.new(SECRETS.first, OPTIONS[:old_digest]).generate_key(salt, 32)
    end
    SECRETS.drop(1).each do |old|
      rotations.rotate :encrypted, DigestKeyGenerator.new(old, OPTIONS[:digest]).generate_key(salt, 32)
    end
  end
end

class SessionsController < ActionController::Base
  def get = render(json: session.to_hash)
  def touch = render(json: { touched: session.to_hash.size })

  def inc
    session[:count] = (session[:count] || 0) + 1
    render json: { count: session[:count] }
  end

  def clear
    reset_session
    render json: { cleared: true }
  end

  def empty
    session.keys.each { |key| session.delete(key) }
    render json: {}
  end

  def set
    body = request.raw_post
    JSON.parse(body.empty? ? "{}" : body).each { |key, value| session[key] = value }
    render json: session.to_hash
  end

  def flash_notice
    flash[:notice] = "Saved"
    render json: session.to_hash
  end

  def csrf
    form_authenticity_token
    render json: session.to_hash
  end
end

PeerApp.initialize!
PeerApp.routes.draw do
  get "/get", to: "sessions#get"
  get "/touch", to: "sessions#touch"
  get "/inc", to: "sessions#inc"
  get "/clear", to: "sessions#clear"
  get "/empty", to: "sessions#empty"
  post "/set", to: "sessions#set"
  get "/flash", to: "sessions#flash_notice"
  get "/csrf", to: "sessions#csrf"
end

require "webrick"
require "rack/handler/webrick"
server = WEBrick::HTTPServer.new(BindAddress: "127.0.0.1", Port: 0, Logger: WEBrick::Log.new(nil, 0), AccessLog: [])
server.mount "/", Rack::Handler::WEBrick, PeerApp
trap("TERM") { server.shutdown }
trap("INT") { server.shutdown }
# The tests close stdin to stop the peer.
Thread.new do
  $stdin.read
  server.shutdown
end
$stdout.puts "listening #{server.config[:Port]}"
$stdout.flush
server.start
