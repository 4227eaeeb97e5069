variable "name" {
  description = "Prefix of every resource name (project-environment)."
  type        = string
}

variable "media_domain" {
  description = "Host name that serves media through CloudFront (AWS_S3_CUSTOM_DOMAIN)."
  type        = string
}

variable "zone_id" {
  description = "Route 53 hosted zone for the media record and its certificate validation."
  type        = string
}

variable "access_logs_bucket" {
  description = "Bucket for S3 server access logs and CloudFront standard logs (id, domain_name)."
  type = object({
    id          = string
    domain_name = string
  })
}

variable "noncurrent_version_days" {
  description = "Days a replaced or deleted media object stays recoverable."
  type        = number
  default     = 30
}

variable "price_class" {
  description = "CloudFront price class (which edge locations serve media)."
  type        = string
  default     = "PriceClass_100"
}
