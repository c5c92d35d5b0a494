FROM ruby:3.3
RUN gem install --no-document bundler && bundle install && rm -rf "$(gem env gemdir)"/cache/*.gem
