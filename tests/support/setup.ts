import { setLogLevel } from "@/lib/log";

// Rejections are logged by design; keep test output to what failed.
setLogLevel("error");
