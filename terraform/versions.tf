terraform {
  required_version = ">= 1.10.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.20"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.7"
    }
  }

  # State holds generated passwords: keep it in an encrypted, versioned S3 bucket.
  # `terraform init -backend-config=backend.hcl` supplies bucket, key and region (docs/deploy.md).
  backend "s3" {
    encrypt      = true
    use_lockfile = true
  }
}
