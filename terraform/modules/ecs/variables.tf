variable "name" {
  description = "Prefix of every resource name (project-environment); also the cluster and ECR repository name."
  type        = string
}

variable "aws_region" {
  description = "Region of the log groups (awslogs driver)."
  type        = string
}

variable "vpc_id" {
  description = "ID of the VPC."
  type        = string
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC (where the database and Redis are)."
  type        = string
}

variable "private_subnet_ids" {
  description = "Private subnets the tasks run in."
  type        = list(string)
}

variable "app_port" {
  description = "Port the web and asgi containers listen on."
  type        = number
}

variable "image_tag" {
  description = "Tag of the image in the ECR repository that every task runs."
  type        = string
}

variable "images_kept" {
  description = "Images kept in ECR (older ones expire)."
  type        = number
  default     = 50
}

variable "cpu_architecture" {
  description = "CPU architecture of the tasks; must match the image (X86_64 or ARM64)."
  type        = string
  default     = "X86_64"
}

variable "services" {
  description = "Fargate size and task counts of web, asgi, worker and beat."
  type = map(object({
    cpu           = number
    memory        = number
    desired_count = number
    min_count     = number
    max_count     = number
  }))

  validation {
    condition     = length(setsubtract(["web", "asgi", "worker", "beat"], keys(var.services))) == 0
    error_message = "services must define web, asgi, worker and beat."
  }
}

variable "migrate_cpu" {
  description = "Fargate CPU units of the migrate task."
  type        = number
}

variable "migrate_memory" {
  description = "Fargate memory (MiB) of the migrate task."
  type        = number
}

variable "alb_security_group_id" {
  description = "Security group of the load balancer, allowed to reach the tasks."
  type        = string
}

variable "alb_arn_suffix" {
  description = "ARN suffix of the load balancer (request-count scaling metric)."
  type        = string
}

variable "target_groups" {
  description = "Target group (arn, arn_suffix) of each load-balanced role: web and asgi."
  type = map(object({
    arn        = string
    arn_suffix = string
  }))
}

variable "cpu_target_percent" {
  description = "Average CPU utilisation autoscaling keeps web, asgi and worker at."
  type        = number
}

variable "requests_per_target" {
  description = "ALB requests per web task per minute autoscaling aims for."
  type        = number
}

variable "log_group_names" {
  description = "CloudWatch log group of each role (web, asgi, worker, beat, migrate)."
  type        = map(string)
}

variable "exec_log_group_name" {
  description = "CloudWatch log group for ECS Exec sessions."
  type        = string
}

variable "logs_kms_key_arn" {
  description = "KMS key of the log groups; also encrypts ECS Exec sessions."
  type        = string
}

variable "secrets_kms_key_arn" {
  description = "KMS key that encrypts the injected secrets."
  type        = string
}

variable "app_secret_arns" {
  description = "Environment variable name => Secrets Manager ARN, injected into web, asgi, worker and beat."
  type        = map(string)
}

variable "migrate_secret_arns" {
  description = "Environment variable name => Secrets Manager ARN, injected into the migrate task."
  type        = map(string)
}

variable "environment" {
  description = "Plain (non-secret) environment variables of every container."
  type        = map(string)
}

variable "media_bucket_arn" {
  description = "ARN of the media bucket the application reads and writes."
  type        = string
}

variable "media_kms_key_arn" {
  description = "ARN of the KMS key of the media bucket."
  type        = string
}

variable "ses_identity_arn" {
  description = "ARN of the SES identity the application sends email as."
  type        = string
}
