FROM ruby:3.3-slim
WORKDIR /rails
COPY . .
ENV BUNDLE_FROZEN=true \
    BUNDLE_WITHOUT=development:test
RUN bundle install --jobs 4
CMD ["bin/rails", "server"]
