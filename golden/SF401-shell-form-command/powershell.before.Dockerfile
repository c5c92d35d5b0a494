FROM mcr.microsoft.com/powershell:lts-debian-11 AS base
SHELL ["pwsh", "-Command"]

FROM base
CMD Write-Host hello
