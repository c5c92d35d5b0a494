# slimfix: ignore=SF101
RUN echo hello
