FROM python:3.12-slim
RUN pip3 install --no-cache-dir --upgrade pip \
    && python3 -m pip install --no-cache-dir -r requirements.txt \
    && python -m pip install --no-cache-dir gunicorn \
    && pip3.12 install --no-cache-dir --user httpie
RUN uv pip install --no-cache --system -r requirements.txt
