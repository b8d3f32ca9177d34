export interface Config {
  stagecraft?: {
    /** Stagecraft's scaffolder actions. */
    scaffolder?: {
      /**
       * Also register the guarded apply as `kubernetes:apply` (deprecated
       * alias of `stagecraft:apply`). Off by default: community modules use
       * that id too, and two actions with one id collide.
       */
      kubernetesApplyAlias?: boolean;
    };
  };
}
