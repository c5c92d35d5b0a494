FROM ruby:3.3-slim
WORKDIR /rails
COPY Gemfile Gemfile.lock ./
ENV BUNDLE_FROZEN=true \
    BUNDLE_WITHOUT=development:test
RUN bundle install --jobs 4
COPY . .
CMD ["bin/rails", "server"]
